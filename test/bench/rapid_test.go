//go:build linux

package bench

import (
	"fmt"
	"os"
	"testing"

	"github.com/leased/leased/test/lab"
)

// BenchmarkBindRapidCommit measures leased's bind time at its defaults
// and with rapid-commit on (RFC 4039: DISCOVER and ACK, one round trip
// instead of two), against one dnsmasq with dhcp-rapid-commit, in the
// same run, and prints both medians and their ratio.
func BenchmarkBindRapidCommit(b *testing.B) {
	env := newBindLab(b, lab.ServerOpts{Extra: []string{"dhcp-rapid-commit"}})

	cs := []client{
		{name: "leased", find: findLeased, argv: leasedArgv("")},
		{name: "leased rapid-commit", find: findLeased, argv: leasedArgv("rapid-commit on;\n")},
	}
	rows := notRun(cs)
	b.Run("rounds", func(b *testing.B) { rows = benchBindRounds(b, env, cs) })
	bin, _ := lookSbin("dnsmasq")
	fmt.Printf("\nBind time with Rapid Commit (RFC 4039), against %s with dhcp-rapid-commit\n",
		firstWords(programVersion(bin, "--version"), 3))
	printBindTable(os.Stdout, rows, rows[0].times.Median)
}
