package dhcp4

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// ForceRenew is the DHCPFORCERENEW message type (RFC 3203).
const ForceRenew MessageType = 9

// Options of the FORCERENEW authentication (RFC 3118, RFC 6704).
const (
	OptAuthentication  uint8 = 90  // RFC 3118 §2
	OptForceRenewNonce uint8 = 145 // FORCERENEW_NONCE_CAPABLE, RFC 6704 §3.3
)

// RFC 3118 / RFC 6704 values of the Authentication option.
const (
	AuthProtocolReconfigure uint8 = 3 // "reconfigure key" protocol, RFC 6704 §3.1
	AuthAlgorithmHMACMD5    uint8 = 1
	AuthRDMMonotonic        uint8 = 0 // replay detection: monotonically increasing counter
	AuthInfoKey             uint8 = 1 // reconfigure key value (in a DHCPACK)
	AuthInfoHMAC            uint8 = 2 // HMAC-MD5 digest (in a DHCPFORCERENEW)
	authKeyLen                    = 16
	authFixedLen                  = 11 // protocol, algorithm, RDM, 8-byte replay detection
)

// ErrAuth reports an Authentication option that is malformed or fails
// its check.
var ErrAuth = errors.New("dhcp authentication")

// Auth is the Authentication option (RFC 3118 §2): protocol, algorithm,
// replay detection method and value, and the protocol's information.
type Auth struct {
	Protocol, Algorithm, RDM uint8
	Replay                   uint64
	Info                     []byte
}

// ParseAuth decodes option 90's data.
func ParseAuth(b []byte) (Auth, error) {
	if len(b) < authFixedLen {
		return Auth{}, fmt.Errorf("%w: option 90 of %d bytes, want at least %d", ErrAuth, len(b), authFixedLen)
	}
	return Auth{Protocol: b[0], Algorithm: b[1], RDM: b[2],
		Replay: binary.BigEndian.Uint64(b[3:]), Info: b[authFixedLen:]}, nil
}

// AppendBinary appends the option data of a.
func (a Auth) AppendBinary(b []byte) []byte {
	b = append(b, a.Protocol, a.Algorithm, a.RDM)
	b = binary.BigEndian.AppendUint64(b, a.Replay)
	return append(b, a.Info...)
}

// reconfigure reports whether a is RFC 6704's reconfigure-key protocol
// with HMAC-MD5 and a counter, carrying a 16-byte value of type typ.
func (a Auth) reconfigure(typ uint8) ([]byte, bool) {
	ok := a.Protocol == AuthProtocolReconfigure && a.Algorithm == AuthAlgorithmHMACMD5 &&
		a.RDM == AuthRDMMonotonic && len(a.Info) == 1+authKeyLen && a.Info[0] == typ
	if !ok {
		return nil, false
	}
	return a.Info[1:], true
}

// ReconfigureKey returns the key a DHCPACK's option 90 carries (RFC 6704
// §3.1, type 1) and its replay detection value.
func ReconfigureKey(opts Options) (key []byte, replay uint64, ok bool) {
	data, present := opts.Get(OptAuthentication)
	if !present {
		return nil, 0, false
	}
	a, err := ParseAuth(data)
	if err != nil {
		return nil, 0, false
	}
	k, ok := a.reconfigure(AuthInfoKey)
	return append([]byte(nil), k...), a.Replay, ok
}

// KeyAuth is the option 90 data that hands a client key (a server's
// DHCPACK, RFC 6704 §3.1).
func KeyAuth(key []byte, replay uint64) []byte {
	return Auth{Protocol: AuthProtocolReconfigure, Algorithm: AuthAlgorithmHMACMD5, RDM: AuthRDMMonotonic,
		Replay: replay, Info: append([]byte{AuthInfoKey}, key...)}.AppendBinary(nil)
}

// HMACAuth is the option 90 data of a DHCPFORCERENEW before signing: the
// digest zero, for SignForceRenew to fill in.
func HMACAuth(replay uint64) []byte {
	return Auth{Protocol: AuthProtocolReconfigure, Algorithm: AuthAlgorithmHMACMD5, RDM: AuthRDMMonotonic,
		Replay: replay, Info: append([]byte{AuthInfoHMAC}, make([]byte, authKeyLen)...)}.AppendBinary(nil)
}

// SignForceRenew writes the HMAC-MD5 digest of the encoded message wire
// under key into its option 90, which HMACAuth made (RFC 6704 §3.2).
func SignForceRenew(wire, key []byte) error {
	at, err := digestAt(wire)
	if err != nil {
		return err
	}
	d := digest(wire, at, key)
	copy(wire[at:at+authKeyLen], d[:])
	return nil
}

// VerifyForceRenew checks the encoded DHCPFORCERENEW wire against key
// (RFC 6704 §3.2, RFC 3118 §4): its option 90 must be the
// reconfigure-key protocol with an HMAC-MD5 digest equal, compared in
// constant time, to the digest of the message with the digest field, hops
// and giaddr zeroed. It returns the message's replay detection value,
// which the caller checks is above the last one accepted.
func VerifyForceRenew(wire, key []byte) (replay uint64, err error) {
	at, err := digestAt(wire)
	if err != nil {
		return 0, err
	}
	a, _ := ParseAuth(wire[at-1-authFixedLen : at+authKeyLen])
	if _, ok := a.reconfigure(AuthInfoHMAC); !ok {
		return 0, fmt.Errorf("%w: option 90 is not an RFC 6704 HMAC-MD5 digest", ErrAuth)
	}
	if d := digest(wire, at, key); subtle.ConstantTimeCompare(wire[at:at+authKeyLen], d[:]) != 1 {
		return 0, fmt.Errorf("%w: wrong digest", ErrAuth)
	}
	return a.Replay, nil
}

// digest is the HMAC-MD5 under key of wire with the 16 bytes at at, and
// hops and giaddr, set to zero (RFC 3118 §4: relays change those).
func digest(wire []byte, at int, key []byte) [md5Size]byte {
	c := append([]byte(nil), wire...)
	c[3] = 0
	clear(c[24:28])
	clear(c[at : at+authKeyLen])
	return hmacMD5(key, c)
}

// digestAt finds the first option 90 in the options area of wire (the
// fields sname and file are not searched: RFC 3118 puts the option in the
// options field) and returns where its 16-byte digest starts.
func digestAt(wire []byte) (int, error) {
	const optionsAt = 240 // fixed header (236) and magic cookie
	if len(wire) < optionsAt {
		return 0, fmt.Errorf("%w: message of %d bytes", ErrAuth, len(wire))
	}
	for i := optionsAt; i < len(wire); {
		code := wire[i]
		switch code {
		case OptPad:
			i++
			continue
		case OptEnd:
			return 0, fmt.Errorf("%w: no option 90", ErrAuth)
		}
		if i+1 >= len(wire) || i+2+int(wire[i+1]) > len(wire) {
			return 0, fmt.Errorf("%w: option %d runs past the end", ErrAuth, code)
		}
		n := int(wire[i+1])
		if code == OptAuthentication {
			if n != authFixedLen+1+authKeyLen {
				return 0, fmt.Errorf("%w: option 90 of %d bytes, want %d", ErrAuth, n, authFixedLen+1+authKeyLen)
			}
			return i + 2 + authFixedLen + 1, nil
		}
		i += 2 + n
	}
	return 0, fmt.Errorf("%w: no option 90", ErrAuth)
}
