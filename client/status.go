package client

// StateConfigureFailed is the state status reports for a lease held in
// a bound state whose last attempt to be put on the interface failed
// (EPERM without CAP_NET_ADMIN, ENODEV, a route slot taken): the machine
// keeps the lease and renews it, and configures again at each ACK, but
// reporting BOUND would claim an address the interface may not have
// (SPEC §8, §10).
const StateConfigureFailed = "CONFIGURE-FAILED"

// StateName is the state status, watch events and STATUS= report:
// the machine's state, or StateConfigureFailed while the lease it
// holds in use could not be configured.
func (s Status) StateName() string {
	if s.ConfigureErr != "" && s.State.Configured() {
		return StateConfigureFailed
	}
	return s.State.String()
}
