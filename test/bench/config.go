package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// EnvIfaces lists the interface counts of the scaling benchmark,
// comma-separated; unset or empty, defaultIfaces.
const EnvIfaces = "LEASED_BENCH_IFACES"

// defaultIfaces are counts quick enough for every make bench.
const defaultIfaces = "1,16,64"

// maxIfaces is the largest count: SPEC §11 asks for 1000, and a Linux
// bridge, which joins the lab's links, takes at most 1024 ports.
const maxIfaces = 1000

// ifaceCounts parses a value of EnvIfaces.
func ifaceCounts(v string) ([]int, error) {
	if strings.TrimSpace(v) == "" {
		v = defaultIfaces
	}
	var ks []int
	for _, f := range strings.Split(v, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > maxIfaces {
			return nil, fmt.Errorf("%s=%q: %q is not a count from 1 to %d", EnvIfaces, v, f, maxIfaces)
		}
		ks = append(ks, k)
	}
	return ks, nil
}
