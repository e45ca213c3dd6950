package statemachine

import (
	"strings"
	"testing"
)

func TestTranscripts(t *testing.T) {
	var all []scenario
	for _, f := range []func() []scenario{bindTranscripts, leaseTranscripts, rebootTranscripts, controlTranscripts, modernTranscripts} {
		all = append(all, f()...)
	}
	for _, sc := range all {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			cfg := testConfig()
			if sc.cfg != nil {
				sc.cfg(&cfg)
			}
			var rec []*Lease
			if sc.rec != nil {
				rec = sc.rec()
			}
			h := newHarness(t, cfg, rec...)
			if sc.setup != nil {
				sc.setup(h)
			}
			h.run(sc.steps)
		})
	}
}

// The transcripts are the acceptance scenarios. random() is fixed at
// 7 (testConfig), so: xid 0xe; DISCOVER intervals 3+7%6=4, 4+7%8=11,
// 11+7%22=18>15 -> 15/2+7%15=14; REQUEST intervals use random()>>2 = 1:
// 4, 5, 6, ...; T1 for 120 s = (3*61+3)/4 + (7%61+3)/4 = 48; T2 = 105;
// retry draw 301/2 + 7%300 = 157.
