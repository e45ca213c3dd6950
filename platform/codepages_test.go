package platform

import (
	"bytes"
	"slices"
	"testing"
)

// exeID is the executable of smapsSample.
var exeID = fileID{major: 0x08, minor: 0x01, ino: 1321}

// smapsSample is /proc/self/smaps of a position-independent daemon,
// trimmed: its text, its read-only data, its relocated read-only data
// (RELRO, with private copies), its writable data, a library on another
// device with the same inode, the heap and the vDSO.
const smapsSample = `555555554000-555555a00000 r-xp 00000000 08:01 1321                       /usr/sbin/dhclient
Size:               4784 kB
Rss:                4620 kB
Anonymous:             0 kB
Locked:                0 kB
555555a00000-555555c80000 r--p 004ac000 08:01 1321                       /usr/sbin/dhclient
Size:               2560 kB
Anonymous:             0 kB
555555c80000-555555cc0000 r--p 0072c000 08:01 1321                       /usr/sbin/dhclient
Size:                256 kB
Anonymous:           244 kB
555555cc0000-555555ce0000 rw-p 0076c000 08:01 1321                       /usr/sbin/dhclient
Size:                128 kB
Anonymous:            96 kB
7ffff7dd0000-7ffff7df0000 r-xp 00000000 fd:02 1321                       /usr/lib/libother.so
Size:                128 kB
Anonymous:             0 kB
c000000000-c000400000 rw-p 00000000 00:00 0 
Size:               4096 kB
Anonymous:          1200 kB
7ffff7fc1000-7ffff7fc3000 r-xp 00000000 00:00 0                          [vdso]
Size:                  8 kB
Anonymous:             0 kB
`

func TestCodeRangesKeepsPrivateCopies(t *testing.T) {
	got := codeRanges([]byte(smapsSample), exeID)
	want := []addrRange{
		{0x555555554000, 0x555555a00000}, // text
		{0x555555a00000, 0x555555c80000}, // read-only data
	}
	if !slices.Equal(got, want) {
		t.Fatalf("codeRanges = %#x, want %#x (RELRO, data, other files kept)", got, want)
	}
}

func TestCodeRangesLastMappingAndOtherFiles(t *testing.T) {
	tests := []struct {
		name  string
		smaps string
		want  []addrRange
	}{
		{"last mapping, no Anonymous line", "1000-3000 r-xp 00000000 08:01 1321 /x\nSize: 8 kB\n", []addrRange{{0x1000, 0x3000}}},
		{"last mapping with private copies", "1000-3000 r--p 00000000 08:01 1321 /x\nAnonymous: 4 kB\n", nil},
		{"another device", "1000-3000 r-xp 00000000 08:02 1321 /x\nAnonymous: 0 kB\n", nil},
		{"writable", "1000-3000 rwxp 00000000 08:01 1321 /x\nAnonymous: 0 kB\n", nil},
		{"not readable", "1000-3000 ---p 00000000 08:01 1321 /x\n", nil},
		{"anonymous inode", "1000-3000 r-xp 00000000 00:00 0\n", nil},
		{"backwards range", "3000-1000 r-xp 00000000 08:01 1321 /x\n", nil},
		{"garbage", "not smaps\nAnonymous: 0 kB\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeRanges([]byte(tt.smaps), exeID); !slices.Equal(got, tt.want) {
				t.Fatalf("codeRanges = %#x, want %#x", got, tt.want)
			}
		})
	}
}

// FuzzCodeRanges checks that codeRanges never panics and returns only
// non-empty ranges, at most one a line.
func FuzzCodeRanges(f *testing.F) {
	f.Add([]byte(smapsSample))
	f.Add([]byte("1000-3000 r-xp 00000000 08:01 1321 /x\nAnonymous: 0 kB\n"))
	f.Fuzz(func(t *testing.T, smaps []byte) {
		got := codeRanges(smaps, exeID)
		if lines := bytes.Count(smaps, []byte("\n")) + 1; len(got) > lines {
			t.Fatalf("%d ranges from %d lines", len(got), lines)
		}
		for i, r := range got {
			if r.end <= r.start {
				t.Fatalf("range %d is empty: %#x", i, r)
			}
		}
	})
}
