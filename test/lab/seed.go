package lab

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// SeedEnv names the environment variable that replays a randomised test:
// LEASED_TEST_SEED=<the seed the failed run logged>.
const SeedEnv = "LEASED_TEST_SEED"

// SeededRand returns a random source for a test that picks random moments
// or inputs, seeded from $LEASED_TEST_SEED or the clock, and logs the seed
// so that a failing run can be replayed.
func SeededRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(SeedEnv); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", SeedEnv, s, err)
		}
		seed = v
	}
	t.Logf("random seed %d (replay with %s=%d)", seed, SeedEnv, seed)
	return rand.New(rand.NewPCG(seed, seed))
}
