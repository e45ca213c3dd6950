//go:build linux

package bench

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// BenchmarkBindRapidCommit measures leased's bind time at its defaults
// and with rapid-commit on (RFC 4039: DISCOVER and ACK, one round trip
// instead of two), against one dnsmasq with dhcp-rapid-commit, in the
// same run, and prints both medians and their ratio.
func BenchmarkBindRapidCommit(b *testing.B) {
	env := newBindLab(b, lab.ServerOpts{Extra: []string{"dhcp-rapid-commit"}})

	var rows []bindRow
	var base time.Duration
	for _, c := range []client{
		{name: "leased", find: findLeased, argv: leasedArgv("")},
		{name: "leased rapid-commit", find: findLeased, argv: leasedArgv("rapid-commit on;\n")},
	} {
		row := bindRow{name: c.name, status: "not run"}
		b.Run(c.name, func(b *testing.B) { row = benchBind(b, env, c, base) })
		if base == 0 {
			base = row.times.Median
		}
		rows = append(rows, row)
	}
	bin, _ := lookSbin("dnsmasq")
	fmt.Printf("\nBind time with Rapid Commit (RFC 4039), against %s with dhcp-rapid-commit\n",
		firstWords(programVersion(bin, "--version"), 3))
	printBindTable(os.Stdout, rows, base)
}
