package platform

import (
	"os"
	"strconv"
	"strings"
)

// ProcessAlive reports whether process pid exists and is not a zombie:
// a zombie counts as gone, since it may have no parent left to reap it.
// Without /proc (outside Linux) every process counts as gone.
func ProcessAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
