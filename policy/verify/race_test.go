//go:build race

package verify

// raceEnabled makes the slow tests smaller under the race detector, which
// slows them tenfold.
const raceEnabled = true
