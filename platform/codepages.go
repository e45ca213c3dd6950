package platform

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// A daemon's code and read-only data are pages of its executable, which
// the kernel maps on demand, 64 KiB around each page touched
// (fault-around): start-up runs the init of every package and the
// collector reads the function tables of every frame it scans, so a
// daemon that has started maps nearly its whole binary, and that is most
// of its RSS. ReleaseCode unmaps those pages (the daemon calls it after
// its collections, client/codepages.go): they stay in the page cache,
// and a page the daemon runs again is mapped again on its first touch.

// addrRange is a range of the address space, [start, end).
type addrRange struct{ start, end uintptr }

// fileID names a file as smaps does: its device's major and minor
// numbers and its inode.
type fileID struct {
	major, minor uint32
	ino          uint64
}

// codeRanges returns the mappings of smaps (the text of
// /proc/self/smaps) whose file is the executable exe
// and that only ever hold the file's own pages: not writable and
// without a private copy of any page (Anonymous: 0 kB). A read-only
// mapping with private copies is one the loader relocated before
// protecting it (RELRO, in a position-independent build), or one a
// debugger wrote a breakpoint into: unmapping would bring back the
// file's unrelocated bytes, so such a mapping is kept whole.
func codeRanges(smaps []byte, exe fileID) []addrRange {
	var (
		out  []addrRange
		cur  addrRange
		keep bool // cur is a candidate, until its Anonymous line says otherwise
	)
	flush := func() {
		if keep {
			out = append(out, cur)
		}
		keep = false
	}
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		line := sc.Text()
		if isMappingHeader(line) {
			flush()
			cur, keep = mappingHeader(line, exe)
			continue
		}
		if kb, ok := strings.CutPrefix(line, "Anonymous:"); ok && keep {
			keep = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")) == "0"
		}
	}
	flush()
	return out
}

// mappingHeader parses a mapping's first line ("start-end perms offset
// major:minor inode path") and reports its range when it maps exe
// readable and not writable.
func mappingHeader(line string, exe fileID) (addrRange, bool) {
	f := strings.Fields(line)
	if len(f) < 5 {
		return addrRange{}, false
	}
	perms := f[1]
	if len(perms) < 4 || perms[0] != 'r' || perms[1] == 'w' {
		return addrRange{}, false
	}
	if id, ok := parseFileID(f[3], f[4]); !ok || id != exe || id.ino == 0 {
		return addrRange{}, false
	}
	lo, hi, _ := strings.Cut(f[0], "-")
	start, err1 := strconv.ParseUint(lo, 16, 64)
	end, err2 := strconv.ParseUint(hi, 16, 64)
	if err1 != nil || err2 != nil || end <= start {
		return addrRange{}, false
	}
	return addrRange{uintptr(start), uintptr(end)}, true
}

// parseFileID parses the "major:minor" (hexadecimal) and inode
// (decimal) fields of a mapping's first line.
func parseFileID(dev, inode string) (fileID, bool) {
	maj, min, _ := strings.Cut(dev, ":")
	major, err1 := strconv.ParseUint(maj, 16, 32)
	minor, err2 := strconv.ParseUint(min, 16, 32)
	ino, err3 := strconv.ParseUint(inode, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return fileID{}, false
	}
	return fileID{uint32(major), uint32(minor), ino}, true
}

// isMappingHeader tells a mapping's first line from its "Key: value"
// lines: it starts with the hexadecimal range "start-end".
func isMappingHeader(line string) bool {
	first, _, _ := strings.Cut(line, " ")
	lo, hi, ok := strings.Cut(first, "-")
	return ok && isHex(lo) && isHex(hi)
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
