package hooks

import (
	"cmp"
	"slices"
	"strings"
)

// Kernel limits on what execve takes (fs/exec.c, include/uapi/linux/
// binfmts.h). One string, NUL included, may be at most MAX_ARG_STRLEN;
// all argv and envp strings together, with a pointer for each, at most a
// quarter of the stack rlimit, capped at 6 MiB (_STK_LIM/4*3) and never
// less than ARG_MAX. Over either, execve fails with E2BIG and the hook
// does not run.
const (
	maxArgStrlen  = 32 * 4096 // MAX_ARG_STRLEN
	minArgSpace   = 32 * 4096 // ARG_MAX
	maxArgSpace   = 6 << 20   // _STK_LIM / 4 * 3
	argPointerLen = 8         // one argv or envp pointer on a 64-bit kernel
)

// leasePrefixes name the variables that carry server data: the ones the
// size limit may leave out. interface, reason, PATH and the -e variables
// always stay.
var leasePrefixes = []string{"new_", "old_", "alias_"}

// fitEnv returns env without the variables that would make execve of
// argv0 fail: a string over MAX_ARG_STRLEN, then the largest lease
// variables until argv and env fit in limit bytes, counted as the kernel
// counts them. It returns the names of those left out, in the order they
// were dropped. The values dhcp4 formats stay under 32 KiB each, so
// this takes a packet built to exhaust the space, such as one full of
// long hex options, and then says which values went missing instead of
// losing the whole hook call (issue 12).
func fitEnv(argv0 string, env []string, limit int) (kept, dropped []string) {
	need := argSize(argv0)
	for _, kv := range env {
		need += argSize(kv)
	}
	if need <= limit && !slices.ContainsFunc(env, overLong) {
		return env, nil // every call but a hostile server's
	}
	var big []int // indexes of lease variables, largest first
	for i, kv := range env {
		if isLeaseVar(kv) || overLong(kv) {
			big = append(big, i)
		}
	}
	slices.SortStableFunc(big, func(a, b int) int { return cmp.Compare(len(env[b]), len(env[a])) })
	drop := map[int]bool{}
	for _, i := range big {
		if need <= limit && !overLong(env[i]) {
			continue
		}
		drop[i] = true
		need -= argSize(env[i])
		name, _, _ := strings.Cut(env[i], "=")
		dropped = append(dropped, name)
	}
	if len(drop) == 0 {
		return env, nil
	}
	for i, kv := range env {
		if !drop[i] {
			kept = append(kept, kv)
		}
	}
	return kept, dropped
}

// overLong reports whether execve refuses kv on its own (MAX_ARG_STRLEN).
func overLong(kv string) bool { return len(kv)+1 > maxArgStrlen }

// argSize is what one string costs in the kernel's count.
func argSize(s string) int { return len(s) + 1 + argPointerLen }

func isLeaseVar(kv string) bool {
	for _, p := range leasePrefixes {
		if strings.HasPrefix(kv, p) {
			return true
		}
	}
	return false
}

// argSpace returns the bytes argv and envp may take, given the soft
// stack rlimit (0 when unknown).
func argSpace(stack uint64) int {
	if stack == 0 || stack/4 > maxArgSpace {
		return maxArgSpace
	}
	return max(int(stack/4), minArgSpace)
}
