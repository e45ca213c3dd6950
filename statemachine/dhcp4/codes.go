package dhcp4

// OpCode is the BOOTP op field (RFC 2131 §2).
type OpCode uint8

// BOOTP op codes.
const (
	BootRequest OpCode = 1
	BootReply   OpCode = 2
)

// MessageType is the value of option 53 (RFC 2132 §9.6).
type MessageType uint8

// DHCP message types.
const (
	Discover MessageType = 1
	Offer    MessageType = 2
	Request  MessageType = 3
	Decline  MessageType = 4
	Ack      MessageType = 5
	Nak      MessageType = 6
	Release  MessageType = 7
	Inform   MessageType = 8
)

var messageTypeNames = [...]string{
	Discover: "DHCPDISCOVER", Offer: "DHCPOFFER", Request: "DHCPREQUEST",
	Decline: "DHCPDECLINE", Ack: "DHCPACK", Nak: "DHCPNAK",
	Release: "DHCPRELEASE", Inform: "DHCPINFORM", ForceRenew: "DHCPFORCERENEW",
}

// String returns the name ISC dhclient logs, such as "DHCPACK".
func (t MessageType) String() string {
	if int(t) < len(messageTypeNames) && messageTypeNames[t] != "" {
		return messageTypeNames[t]
	}
	return "DHCPUNKNOWN"
}

// Option codes used by name in code (RFC 2132 and later).
const (
	OptPad              uint8 = 0
	OptSubnetMask       uint8 = 1
	OptTimeOffset       uint8 = 2
	OptRouter           uint8 = 3
	OptDNS              uint8 = 6
	OptHostName         uint8 = 12
	OptDomainName       uint8 = 15
	OptRootPath         uint8 = 17
	OptStaticRoutes     uint8 = 33
	OptInterfaceMTU     uint8 = 26
	OptBroadcast        uint8 = 28
	OptNISDomain        uint8 = 40
	OptNTPServers       uint8 = 42
	OptNetBIOSScope     uint8 = 47
	OptRequestedIP      uint8 = 50
	OptLeaseTime        uint8 = 51
	OptOverload         uint8 = 52
	OptMessageType      uint8 = 53
	OptServerID         uint8 = 54
	OptParamRequest     uint8 = 55
	OptMessage          uint8 = 56
	OptMaxMessageSize   uint8 = 57
	OptRenewalTime      uint8 = 58
	OptRebindingTime    uint8 = 59
	OptClientID         uint8 = 61
	OptVendorClass      uint8 = 60
	OptUserClass        uint8 = 77
	OptRapidCommit      uint8 = 80 // RFC 4039, zero length
	OptFQDN             uint8 = 81
	OptV6OnlyPreferred  uint8 = 108 // RFC 8925: V6ONLY_WAIT, seconds
	OptCaptivePortal    uint8 = 114 // RFC 8910: the portal's URI
	OptDomainSearch     uint8 = 119
	OptClasslessRoutes  uint8 = 121
	OptMSClasslessRoute uint8 = 249
	OptEnd              uint8 = 255
)

// Ports of RFC 2131 §4.1.
const (
	ServerPort = 67
	ClientPort = 68
)

// MagicCookie starts the options field (RFC 2131 §3).
var MagicCookie = [4]byte{99, 130, 83, 99}
