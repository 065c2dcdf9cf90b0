// Command speed times s3vet and AWS's Go client v4.0.0 encrypting and
// decrypting the same objects (interop.EncryptCases, interop.DecryptCases:
// PutObject and GetObject through a network-less S3 endpoint), in
// interleaved rounds so that a machine shared with other jobs disturbs both
// alike (a round runs each case for about 200ms, 1 GiB cases once), and
// prints each one's best and median round and the official
// client's time over s3vet's.
//
//	go run ./cmd/speed -sizes 1MiB,64MiB,1GiB -rounds 9
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/interop"
)

func main() {
	sizes := flag.String("sizes", "1MiB,64MiB,1GiB", "object sizes, comma-separated (B, KiB, MiB, GiB)")
	rounds := flag.Int("rounds", 9, "rounds; each runs every case once")
	flag.Parse()
	log.SetFlags(0)
	dir, err := os.MkdirTemp("", "interop-speed")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	fmt.Printf("%s, %s/%s, GOMAXPROCS %d, %d rounds, %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), *rounds, time.Now().UTC().Format("2006-01-02"))
	for _, s := range strings.Split(*sizes, ",") {
		size, err := parseSize(s)
		if err != nil {
			log.Fatal(err)
		}
		for _, op := range []string{"encrypt", "decrypt"} {
			var cases []interop.Case
			if op == "encrypt" {
				pt := make([]byte, size)
				if _, err := interop.NewSource(size, 1).Read(pt); err != nil && size > 0 {
					log.Fatal(err)
				}
				cases, err = interop.EncryptCases(pt, dir)
			} else {
				cases, err = interop.DecryptCases(size, dir)
			}
			if err != nil {
				log.Fatal(err)
			}
			report(s, op, size, run(cases, *rounds))
			cases = nil
			runtime.GC()
		}
	}
}

// run times every case in each round, rotating the order between rounds.
// A case runs as many times in a round as fill about 200ms (measured on its
// first run), and the round's figure is the mean of those runs.
func run(cases []interop.Case, rounds int) map[string][]time.Duration {
	ctx := context.Background()
	times := map[string][]time.Duration{}
	reps := map[string]int{}
	for _, c := range cases {
		start := time.Now()
		if err := c.Run(ctx); err != nil {
			log.Fatalf("%s: %v", c.Impl, err)
		}
		reps[c.Impl] = max(1, int(200*time.Millisecond/max(time.Since(start), time.Microsecond)))
	}
	for r := range rounds {
		for i := range cases {
			c := cases[(i+r)%len(cases)]
			n := reps[c.Impl]
			start := time.Now()
			for range n {
				if err := c.Run(ctx); err != nil {
					log.Fatalf("%s: %v", c.Impl, err)
				}
			}
			times[c.Impl] = append(times[c.Impl], time.Since(start)/time.Duration(n))
		}
	}
	return times
}

func report(name, op string, size int64, times map[string][]time.Duration) {
	fmt.Printf("\n%s %s\n\n| Implementation | Best | Median | MB/s (best) | Official best / this best | Official median / this median |\n| --- | ---: | ---: | ---: | ---: | ---: |\n", name, op)
	stat := func(impl string) (best, med time.Duration) {
		t := slices.Clone(times[impl])
		slices.Sort(t)
		return t[0], t[len(t)/2]
	}
	ob, om := stat("official")
	impls := make([]string, 0, len(times))
	for k := range times {
		impls = append(impls, k)
	}
	slices.Sort(impls)
	for _, impl := range impls {
		b, m := stat(impl)
		fmt.Printf("| %s | %s | %s | %.0f | %.2f× | %.2f× |\n", impl, round(b), round(m), float64(size)/b.Seconds()/1e6,
			ob.Seconds()/b.Seconds(), om.Seconds()/m.Seconds())
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func parseSize(s string) (int64, error) {
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			return v << u.shift, err
		}
	}
	return strconv.ParseInt(s, 10, 64)
}
