//go:build linux

package bench

import (
	"fmt"
	"io"
	"time"
)

// printBindTable writes the bind time table: one row per client, times in
// milliseconds, each median's excess over base (leased's) and its ratio
// to it.
func printBindTable(w io.Writer, rows []bindRow, base time.Duration) {
	const head = "%-22s %-22s %4s %9s %9s %9s %10s %7s\n"
	fmt.Fprintf(w, head, "client", "version", "runs", "median ms", "min ms", "max ms", "+ms leased", "ratio")
	for _, r := range rows {
		if r.status != "" {
			fmt.Fprintf(w, "%-22s %-22s %s\n", r.name, r.version, r.status)
			continue
		}
		t := r.times
		fmt.Fprintf(w, "%-22s %-22s %4d %9.1f %9.1f %9.1f %+10.1f %7.2f\n",
			r.name, r.version, t.N, ms(t.Median), ms(t.Min), ms(t.Max), ms(t.Median-base), ratio(t.Median, base))
	}
}

// printScaleTable writes the scaling table: per interface count, the time
// until half and until all were bound, then the daemon's RSS and CPU time
// in total and per interface (utime+stime in ms, counted in 10 ms clock
// ticks; CPU ms from the scheduler, exact). The marginal RSS per
// interface, against the row before, shows whether memory grows
// linearly: it stays flat if it does. DISCOVERs per interface above 1
// are retransmissions: a DISCOVER or an OFFER was lost, or an OFFER came
// late (RFC 2131 §4.1); server drops are the datagrams the server's
// full socket dropped meanwhile and ARP table full how often the host's
// ARP table had no room for an entry (serverLoss): packets lost on the
// server's side.
func printScaleTable(w io.Writer, rows []scaleRow) {
	const head = "%7s %4s %13s %13s %8s %10s %13s %12s %8s %13s %15s %12s %14s\n"
	fmt.Fprintf(w, head, "ifaces", "runs", "half bound ms", "all bound ms", "RSS MiB", "KiB/iface", "marginal KiB",
		"utime+stime", "CPU ms", "CPU ms/iface", "DISCOVERs/iface", "server drops", "ARP table full")
	for i, r := range rows {
		k := float64(r.ifaces)
		marginal := "-"
		if i > 0 && r.ifaces > rows[i-1].ifaces {
			d := (r.rss.Median - rows[i-1].rss.Median) / 1024 / (k - float64(rows[i-1].ifaces))
			marginal = fmt.Sprintf("%.1f", d)
		}
		fmt.Fprintf(w, "%7d %4d %13.1f %13.1f %8.1f %10.1f %13s %12.0f %8.1f %13.2f %15.3f %12.0f %14s\n",
			r.ifaces, r.bound.N, ms(r.half.Median), ms(r.bound.Median), r.rss.Median/(1<<20), r.rss.Median/1024/k,
			marginal, ms(r.ticks.Median), ms(r.cpu.Median), ms(r.cpu.Median)/k, r.disc.Median, r.srvDrops.Median, countOrDash(r.neighFull.Median))
	}
}

// countOrDash prints a count, or "-" for one that could not be read
// (negative).
func countOrDash(n float64) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", n)
}

// printRelinkTable writes the relink phase's table: per interface
// count, the time from the carrier's return to the last lease
// confirmed, the DHCPREQUESTs per interface (above 1: retransmissions)
// and the server's losses meanwhile, as in the scaling table.
func printRelinkTable(w io.Writer, rows []scaleRow) {
	const head = "%7s %4s %16s %14s %12s %14s\n"
	fmt.Fprintf(w, head, "ifaces", "runs", "all bound ms", "REQUESTs/iface", "server drops", "ARP table full")
	for _, r := range rows {
		fmt.Fprintf(w, "%7d %4d %16.1f %14.3f %12.0f %14s\n",
			r.ifaces, r.relink.N, ms(r.relink.Median), r.relinkReq.Median, r.relinkDrops.Median, countOrDash(r.relinkNeighFull.Median))
	}
}

// printIdleTable writes the idle table: per client, context switches per
// second (median and maximum over the slices, and the total), threads and
// RSS, and for a Go program its RSS at lastingAfter with the context
// switches until then.
func printIdleTable(w io.Writer, rows []idleRow) {
	const head = "%-22s %7s %11s %9s %12s %8s %8s %18s\n"
	fmt.Fprintf(w, head, "client", "seconds", "median / s", "max / s", "switches", "threads", "RSS MiB", "RSS MiB at 3:10")
	for _, r := range rows {
		if r.status != "" {
			fmt.Fprintf(w, "%-22s %s\n", r.name, r.status)
			continue
		}
		lasting := "-"
		if r.lasting > 0 {
			lasting = fmt.Sprintf("%.1f (%d sw)", float64(r.lasting)/(1<<20), r.lastingSwitches)
		}
		fmt.Fprintf(w, "%-22s %7.0f %11.1f %9.1f %12d %8d %8.1f %18s\n", r.name,
			float64(r.perS.N)*idleSlice.Seconds(), r.perS.Median, r.perS.Max, r.total, r.threads, float64(r.rss)/(1<<20), lasting)
	}
}
