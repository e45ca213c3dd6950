package platform

// LinkEvent is a change of an interface seen by WatchLinks.
type LinkEvent struct {
	Name  string
	Index int
	Up    bool // administratively up with carrier (operstate up, or lower up where the driver reports no operstate)
	Gone  bool // the interface was removed
}
