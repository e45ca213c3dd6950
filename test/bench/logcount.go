package bench

import (
	"bufio"
	"os"
	"strings"
)

// discoverLine starts the line ISC dhclient, and leased after it, logs
// for every DHCPDISCOVER sent (reference §6): counted, the DISCOVERs per
// interface show the retransmissions.
const discoverLine = "DHCPDISCOVER on "

// countLines counts the lines of file that begin with prefix.
func countLines(file, prefix string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			n++
		}
	}
	return n, sc.Err()
}
