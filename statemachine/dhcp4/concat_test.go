package dhcp4

import "testing"

// ConcatNames keeps every name of both lists, whose compression
// pointers are offsets within each list: joined byte for byte, the
// server list's pointer would point into the prepended names.
func TestConcatNames(t *testing.T) {
	c := NewCatalogue()
	parse := func(text string) []byte {
		d, err := c.ParseValue(OptDomainSearch, text)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	server := parse(`"corp.example.com", "example.com"`) // the second a pointer into the first
	for _, tc := range []struct {
		name string
		a, b []byte
		want string
	}{
		{"prepend", parse(`"lab.test"`), server, `"lab.test.", "corp.example.com.", "example.com."`},
		{"append", server, parse(`"a.lab.test", "b.lab.test"`), `"corp.example.com.", "example.com.", "a.lab.test.", "b.lab.test."`},
		{"a bad name ends its list", []byte{3, 'a', 'b'}, server, `"corp.example.com.", "example.com."`},
	} {
		got, err := c.FormatLease(OptDomainSearch, ConcatNames(tc.a, tc.b))
		if err != nil || got != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}
