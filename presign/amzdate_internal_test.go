package presign

import (
	"sync"
	"testing"
	"time"
)

// parseAmzDate is time.Parse of amzDateFormat, for valid and invalid
// dates, repeated or not, from concurrent callers (run with -race).
func TestParseAmzDate(t *testing.T) {
	dates := []string{"20130524T000000Z", "20130524T000001Z", "20260314T150926Z", "20130524T000000Z", "",
		"20130524T000000", "2013-05-24T00:00:00Z", "20131324T000000Z", "20130524T250000Z"}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				d := dates[(i/3+g)%len(dates)]
				got, gotErr := parseAmzDate(d)
				want, wantErr := time.Parse(amzDateFormat, d)
				if !got.Equal(want) || got.Location() != want.Location() || (gotErr == nil) != (wantErr == nil) {
					t.Errorf("parseAmzDate(%q) = %v, %v; want %v, %v", d, got, gotErr, want, wantErr)
					return
				}
			}
		})
	}
	wg.Wait()
}
