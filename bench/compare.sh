#!/usr/bin/env bash
# Runs the s3vet-vs-MinIO benchmarks and compares them with benchstat.
#
#   cd bench && ./compare.sh            # 6 runs of each benchmark
#   COUNT=10 ./compare.sh
#
# Writes /tmp/bench.txt (raw output), /tmp/minio.txt and /tmp/s3vet.txt
# (the same results split by engine, with the /minio and /s3vet suffix
# removed so benchstat pairs them up), and prints `benchstat minio s3vet`.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
OUT=${OUT:-/tmp}
BENCHSTAT=${BENCHSTAT:-$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")}
if [ ! -x "$BENCHSTAT" ]; then
	go install golang.org/x/perf/cmd/benchstat@latest
fi

go test -run='^$' -bench=. -count="$COUNT" -benchmem | tee "$OUT/bench.txt"

# Header lines (goos, goarch, pkg, cpu) go to both files; each result line
# goes to its engine's file with the engine suffix stripped from its name:
# BenchmarkEvaluate/OneStatement/s3vet-2 -> BenchmarkEvaluate/OneStatement-2
for engine in minio s3vet; do
	awk -v e="$engine" '
		/^(goos|goarch|pkg|cpu):/ { print; next }
		$1 ~ ("/" e "(-[0-9]+)?$") { sub("/" e, "", $1); print }
	' "$OUT/bench.txt" >"$OUT/$engine.txt"
done

(cd "$OUT" && "$BENCHSTAT" minio.txt s3vet.txt)
