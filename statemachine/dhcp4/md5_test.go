package dhcp4

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// The test suite of RFC 1321 appendix A.5.
func TestMD5RFC1321Suite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"a", "0cc175b9c0f1b6a831c399e269772661"},
		{"abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
		{"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
		{"12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"},
	} {
		got := md5Sum([]byte(c.in))
		if hex.EncodeToString(got[:]) != c.want {
			t.Errorf("md5(%q) = %x, want %s", c.in, got, c.want)
		}
	}
}

// The HMAC-MD5 test cases of RFC 2202 §2.
func TestHMACMD5RFC2202Cases(t *testing.T) {
	rep := func(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }
	for i, c := range []struct {
		key, data []byte
		want      string
	}{
		{rep(0x0b, 16), []byte("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
		{[]byte("Jefe"), []byte("what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738"},
		{rep(0xaa, 16), rep(0xdd, 50), "56be34521d144c88dbb8c733f0e8b3f6"},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, rep(0xcd, 50), "697eaf0aca3a3aea3a75164746ffaa79"},
		{rep(0x0c, 16), []byte("Test With Truncation"), "56461ef2342edc00f9bab995690efd4c"},
		{rep(0xaa, 80), []byte("Test Using Larger Than Block-Size Key - Hash Key First"), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
		{rep(0xaa, 80), []byte("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"), "6f630fad67cda0ee1fb1f562db3aa53e"},
	} {
		got := hmacMD5(c.key, c.data)
		if hex.EncodeToString(got[:]) != c.want {
			t.Errorf("case %d: hmac-md5 = %x, want %s", i+1, got, c.want)
		}
	}
}

// Every length up to three blocks, around each padding boundary, and
// keys shorter, as long as and longer than a block agree with the
// standard library.
func TestHMACMD5MatchesStandardLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 3*md5Block + 1 {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(r.Uint32())
		}
		if got, want := md5Sum(msg), md5.Sum(msg); got != want {
			t.Fatalf("md5 of %d bytes: %x, want %x", n, got, want)
		}
		key := msg[:r.IntN(n+1)]
		checkHMACMD5(t, key, msg)
	}
}

func checkHMACMD5(t *testing.T, key, msg []byte) {
	t.Helper()
	h := hmac.New(md5.New, key)
	h.Write(msg)
	if got, want := hmacMD5(key, msg), h.Sum(nil); !bytes.Equal(got[:], want) {
		t.Fatalf("hmac-md5 of %d bytes under a %d-byte key: %x, want %x", len(msg), len(key), got, want)
	}
}

func FuzzHMACMD5(f *testing.F) {
	f.Add([]byte("Jefe"), []byte("what do ya want for nothing?"))
	f.Add(bytes.Repeat([]byte{0xaa}, 80), bytes.Repeat([]byte{0xdd}, 119))
	f.Fuzz(func(t *testing.T, key, msg []byte) {
		checkHMACMD5(t, key, msg)
	})
}
