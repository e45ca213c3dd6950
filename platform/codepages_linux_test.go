package platform

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseCodeUnmapsTheExecutable releases the code of the test
// binary itself: the pages of its text and read-only data leave the
// resident set, the relocated and writable ones stay, and the code runs
// on, its pages mapped again as it runs.
func TestReleaseCodeUnmapsTheExecutable(t *testing.T) {
	before := exeResident(t)
	n, err := ReleaseCode()
	if err != nil {
		t.Fatal(err)
	}
	after := exeResident(t)
	if n == 0 {
		t.Fatal("ReleaseCode released no mapping")
	}
	t.Logf("released %d kB; clean %d → %d kB, private %d → %d kB", n>>10, before.clean, after.clean, before.private, after.private)
	// What the test runs between the two reads maps a few pages back.
	if after.clean >= before.clean/2 {
		t.Errorf("clean resident pages of the executable: %d kB before, %d kB after (want under half)", before.clean, after.clean)
	}
	if after.private != before.private {
		t.Errorf("private copies of the executable's pages: %d kB before, %d kB after (want kept)", before.private, after.private)
	}
	// Code and tables that were unmapped run again.
	if got := strconv.Itoa(len(strings.Fields(" a b c "))); got != "3" {
		t.Fatalf("after release: %q", got)
	}
}

// exeUse is how much of the executable is resident, in kB: clean pages
// of the file, and private copies (RELRO, data).
type exeUse struct{ clean, private int }

func exeResident(t *testing.T) exeUse {
	t.Helper()
	exe, err := executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var u exeUse
	ours := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if isMappingHeader(sc.Text()) {
			id, ok := fileID{}, len(fields) >= 5
			if ok {
				id, ok = parseFileID(fields[3], fields[4])
			}
			ours = ok && id == exe
			continue
		}
		if !ours || len(fields) < 2 {
			continue
		}
		kb, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "Rss:":
			u.clean += kb
		case "Anonymous:":
			u.private += kb
			u.clean -= kb
		}
	}
	return u
}
