package lease

import (
	"fmt"
	"strconv"
	"time"

	"github.com/leased/leased/client/internal/isctext"
)

// TimeFormat is dhclient.conf's db-time-format: how dates are written
// (reference §5.1). Both forms are always read.
type TimeFormat uint8

// Time formats.
const (
	// TimeDefault writes "W YYYY/MM/DD HH:MM:SS" in UTC, W the weekday
	// with 0 for Sunday.
	TimeDefault TimeFormat = iota
	// TimeLocal writes "epoch N; # <local time>".
	TimeLocal
)

// maxEpoch is the last second of year 9999: later dates would not fit
// the four-digit year of the default format.
const maxEpoch = 253402300799

// parseDate reads the date of a renew, rebind or expire statement up to
// and including its ';' (ISC parse_date): "never", "epoch N", or
// "W YYYY/MM/DD HH:MM:SS" in UTC, padding optional, the weekday ignored.
// "never" gives the zero time.
func parseDate(s *isctext.Scanner) (time.Time, bool) {
	t := s.Next()
	switch {
	case t.Kind == isctext.Name && t.Text == "never":
		return time.Time{}, s.ExpectSemi()
	case t.Kind == isctext.Name && t.Text == "epoch":
		n := s.Next()
		v, err := strconv.ParseInt(n.Text, 10, 64)
		if !n.IsNumber() || err != nil || v < 0 || v > maxEpoch {
			s.Errorf(n, "%s: bad epoch value.", n.Describe())
			s.SkipToSemi()
			return time.Time{}, false
		}
		return time.Unix(v, 0).UTC(), s.ExpectSemi()
	case t.IsNumber():
		return parseCalendar(s)
	}
	s.Errorf(t, "numeric day of week expected.")
	skipUnlessSemi(s, t)
	return time.Time{}, false
}

// parseCalendar reads "YYYY/MM/DD HH:MM:SS;" after the weekday.
func parseCalendar(s *isctext.Scanner) (time.Time, bool) {
	var v [6]int
	seps := [6]byte{0, '/', '/', 0, ':', ':'}
	limits := [6][2]int{{1970, 9999}, {1, 12}, {1, 31}, {0, 23}, {0, 59}, {0, 60}}
	for i := range v {
		if seps[i] != 0 {
			if t := s.Next(); !t.Is(seps[i]) {
				s.Errorf(t, "expecting '%c' in date.", seps[i])
				skipUnlessSemi(s, t)
				return time.Time{}, false
			}
		}
		t := s.Next()
		n, err := strconv.Atoi(t.Text)
		if !t.IsNumber() || err != nil || n < limits[i][0] || n > limits[i][1] {
			s.Errorf(t, "%s: bad date field.", t.Describe())
			skipUnlessSemi(s, t)
			return time.Time{}, false
		}
		v[i] = n
	}
	d := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if d.Day() != v[2] {
		s.Errorf(s.Peek(), "day %d is out of range.", v[2])
		s.SkipToSemi()
		return time.Time{}, false
	}
	return d, s.ExpectSemi()
}

// skipUnlessSemi skips to the next ';' unless t already was one.
func skipUnlessSemi(s *isctext.Scanner, t isctext.Token) {
	if !t.Is(';') {
		s.SkipToSemi()
	}
}

// formatDate renders t for the lease file, without the ';' for the
// default format. The zero time is "never".
func formatDate(t time.Time, f TimeFormat, loc *time.Location) string {
	if t.IsZero() {
		return "never;"
	}
	if f == TimeLocal {
		// ISC: "epoch %lu; # %a %b %d %H:%M:%S %Y" in local time.
		return fmt.Sprintf("epoch %d; # %s", t.Unix(), t.In(loc).Format("Mon Jan 02 15:04:05 2006"))
	}
	u := t.UTC()
	return fmt.Sprintf("%d %s;", int(u.Weekday()), u.Format("2006/01/02 15:04:05"))
}
