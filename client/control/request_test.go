package control

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		line    string
		want    Request
		wantErr string
	}{
		{`{"verb":"status"}`, Request{Verb: VerbStatus}, ""},
		{`{"verb":"status","interface":"eth0"}` + "\n", Request{Verb: VerbStatus, Interface: "eth0"}, ""},
		{`{"verb":"getoption","interface":"eth0","option":"ntp-servers"}`, Request{Verb: VerbGetOption, Interface: "eth0", Option: "ntp-servers"}, ""},
		{`{"verb":"getoption","interface":"eth0","option":"agent.circuit-id"}`, Request{Verb: VerbGetOption, Interface: "eth0", Option: "agent.circuit-id"}, ""},
		{`{"verb":"renew"}`, Request{Verb: VerbRenew}, ""},
		{`{"verb":"shutdown"}`, Request{Verb: VerbShutdown}, ""},
		{`{"verb":"watch","interface":"wlp0s20f3"}`, Request{Verb: VerbWatch, Interface: "wlp0s20f3"}, ""},
		{``, Request{}, "bad request: EOF"},
		{`null`, Request{}, "bad request: missing verb"},
		{`[]`, Request{}, "bad request: json: cannot unmarshal array"},
		{`{"verb":7}`, Request{}, "bad request: json: cannot unmarshal number"},
		{`{"verb":"STATUS"}`, Request{}, `bad request: unknown verb "STATUS"`},
		{`{"verb":"getpacket"}`, Request{}, "bad request: getpacket needs an interface"},
		{`{"verb":"getoption","interface":"eth0"}`, Request{}, "bad request: getoption needs an option name"},
		{`{"verb":"renew","option":"x"}`, Request{}, "bad request: renew takes no option"},
		{`{"verb":"shutdown","interface":"eth0"}`, Request{}, "bad request: shutdown takes no interface"},
		{`{"verb":"renew","interface":"a-very-long-name0"}`, Request{}, "bad request: invalid interface name"},
		{`{"verb":"renew","interface":".."}`, Request{}, "bad request: invalid interface name"},
		{`{"verb":"renew","interface":"eth0:1"}`, Request{}, "bad request: invalid interface name"},
		{`{"verb":"renew","interface":"et h0"}`, Request{}, "bad request: invalid interface name"},
		{`{"verb":"getoption","interface":"eth0","option":"a;b"}`, Request{}, "bad request: invalid option name"},
		{`{"verb":"getoption","interface":"eth0","option":"` + strings.Repeat("a", 65) + `"}`, Request{}, "bad request: option name too long"},
		{`{"verb":"status"} {"verb":"renew"}`, Request{}, "bad request: more than one JSON value"},
		{`{"verb":"status","uid":0}`, Request{}, `bad request: json: unknown field "uid"`},
	}
	for _, tt := range tests {
		got, err := DecodeRequest([]byte(tt.line))
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("DecodeRequest(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadRequest) {
			t.Errorf("DecodeRequest(%q) error %v, want %q wrapping ErrBadRequest", tt.line, err, tt.wantErr)
		}
	}
}

func TestUnknownVerbIsClipped(t *testing.T) {
	_, err := DecodeRequest([]byte(`{"verb":"` + strings.Repeat("v", 1000) + `"}`))
	if err == nil || len(err.Error()) > 100 {
		t.Errorf("got %d-byte error %v, want a short one", len(err.Error()), err)
	}
}

func TestVerbsReadOnly(t *testing.T) {
	var ro []Verb
	for _, v := range Verbs() {
		if v.ReadOnly() {
			ro = append(ro, v)
		}
	}
	want := []Verb{VerbStatus, VerbGetPacket, VerbGetOption, VerbWatch}
	if len(ro) != len(want) {
		t.Fatalf("read-only verbs %v, want %v", ro, want)
	}
	for i := range want {
		if ro[i] != want[i] {
			t.Fatalf("read-only verbs %v, want %v", ro, want)
		}
	}
}

// FuzzRequest checks that any line decodes or fails without panicking, that
// what decodes is valid, and that a valid request survives the client's
// encoding unchanged.
func FuzzRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := DecodeRequest(line)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("error %v does not wrap ErrBadRequest", err)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("error of %d bytes echoes the input", len(err.Error()))
			}
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("decoded request %+v does not validate: %v", req, err)
		}
		b, err := encodeLine(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeRequest(b)
		if err != nil || again != req {
			t.Fatalf("round trip of %+v gave %+v, %v", req, again, err)
		}
	})
}
