package dhcp4

import (
	"encoding/binary"
	"math/bits"
)

// HMAC-MD5 (RFC 2104 over RFC 1321's MD5), the one digest of RFC 3118's
// delayed authentication as RFC 6704 uses it for DHCPFORCERENEW.
//
// It is written here rather than taken from crypto/hmac and crypto/md5
// because since Go 1.24 those link Go's FIPS 140 module (a DRBG, SHA-2,
// SHA-3, AES) for its run-time checks: 190 KB of code, whose pages the
// kernel maps into the daemon's RSS, for a 60-line hash that checks a
// server's digest. The tests hold it to crypto/hmac and crypto/md5 on
// random input and to the RFCs' test vectors (md5_test.go).

const (
	md5Size  = 16
	md5Block = 64
)

// hmacMD5 returns the HMAC-MD5 of msg under key (RFC 2104 §2).
func hmacMD5(key, msg []byte) [md5Size]byte {
	if len(key) > md5Block {
		k := md5Sum(key)
		key = k[:]
	}
	inner := make([]byte, md5Block, md5Block+len(msg))
	var outer [md5Block + md5Size]byte
	copy(inner, key)
	copy(outer[:], key)
	for i := range md5Block {
		inner[i] ^= 0x36
		outer[i] ^= 0x5c
	}
	h := md5Sum(append(inner, msg...))
	copy(outer[md5Block:], h[:])
	return md5Sum(outer[:])
}

// md5Sum returns the MD5 digest of b (RFC 1321 §3).
func md5Sum(b []byte) [md5Size]byte {
	s := [4]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}
	whole := len(b) &^ (md5Block - 1)
	md5Blocks(&s, b[:whole])
	// Padding (§3.1, §3.2): a one bit, zeros up to 56 bytes into a
	// block, and the length in bits, little-endian.
	var tail [2 * md5Block]byte
	n := copy(tail[:], b[whole:])
	tail[n] = 0x80
	end := md5Block
	if n >= md5Block-8 {
		end = 2 * md5Block
	}
	binary.LittleEndian.PutUint64(tail[end-8:], uint64(len(b))<<3)
	md5Blocks(&s, tail[:end])
	var out [md5Size]byte
	for i, v := range s {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// md5Blocks runs MD5's compression function (§3.4) over each 64-byte
// block of b.
func md5Blocks(s *[4]uint32, b []byte) {
	var m [16]uint32
	for ; len(b) >= md5Block; b = b[md5Block:] {
		for i := range m {
			m[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
		a, bb, c, d := s[0], s[1], s[2], s[3]
		for i := range 64 {
			var f uint32
			var g int
			switch i / 16 {
			case 0:
				f, g = bb&c|^bb&d, i
			case 1:
				f, g = d&bb|^d&c, (5*i+1)%16
			case 2:
				f, g = bb^c^d, (3*i+5)%16
			default:
				f, g = c^(bb|^d), (7*i)%16
			}
			f += a + md5T[i] + m[g]
			a, d, c = d, c, bb
			bb += bits.RotateLeft32(f, int(md5Shift[i/16][i%4]))
		}
		s[0] += a
		s[1] += bb
		s[2] += c
		s[3] += d
	}
}

// md5Shift holds the rotations of each round (§3.4).
var md5Shift = [4][4]uint8{{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}}

// md5T is §3.4's table: T[i] is the integer part of 2³² × |sin(i+1)|.
var md5T = [64]uint32{
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
}
