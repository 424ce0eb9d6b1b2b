package mapping

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// jqCustomerRequestProgram is the seed's customer-request mapping as one jq
// program.
const jqCustomerRequestProgram = `{identifier: (.issueId|tostring), title: (.summary // .issueKey), ` +
	`properties: {issueKey: .issueKey, summary: .summary, status: .currentStatus.status, createdAt: .createdDate.iso8601}, ` +
	`relations: {serviceDesk: (.serviceDeskId|tostring)}}`

var benchRequests = sync.OnceValue(func() []json.RawMessage {
	return fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 1, ServiceDesks: 20, Requests: 100000}).RequestsJSON()
})

// lineCounter discards what it is given and counts the lines.
type lineCounter int

func (c *lineCounter) Write(p []byte) (int, error) {
	*c += lineCounter(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// BenchmarkCustomerRequestsVsJQ maps 100,000 realistic requests with the
// seed's customer-request mapping, JSON decoding included, and runs jq 1.6
// with the equivalent program over the same requests as NDJSON, in the same
// iteration. The engine runs twice per iteration, with the default JQ
// limits (DefaultLimits: the watch on) and with none (Limits{}: no
// watch), so the cost of the limits is measured side by side. It reports
// items per second for the engine with limits (Map alone, and Map plus
// entity.Set.Encode, which writes JSON like jq does), for the engine without
// limits, and for jq; the ratios engine (with JSON output) / jq with and
// without limits; and the peak heap growth of the limited run.
func BenchmarkCustomerRequestsVsJQ(b *testing.B) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		b.Skip("jq is not installed")
	}
	items := benchRequests()
	n := len(items)
	path := filepath.Join(b.TempDir(), "requests.ndjson")
	size := writeNDJSON(b, path, items)
	p := mustCompile(b, customerRequestMapping)

	mapAndEncode := func(limits Limits) (mapTime, jsonTime time.Duration) {
		start := time.Now()
		set, err := p.Map(b.Context(), items, limits)
		if err != nil {
			b.Fatal(err)
		}
		mapTime = time.Since(start)
		doc := set.Encode()
		jsonTime = time.Since(start)
		if len(set) != n || len(doc) == 0 {
			b.Fatalf("%d entities from %d requests", len(set), n)
		}
		return mapTime, jsonTime
	}
	var mapTime, jsonTime, offJSONTime, jqTime time.Duration
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		_, off := mapAndEncode(Limits{})
		offJSONTime += off

		var m, j time.Duration
		peak = max(peak, peakHeapGrowth(func() { m, j = mapAndEncode(DefaultLimits) }))
		mapTime += m
		jsonTime += j

		start := time.Now()
		var lines lineCounter
		cmd := exec.Command(jq, "-c", jqCustomerRequestProgram, path)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &lines, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("jq: %v: %s", err, stderr.Bytes())
		}
		jqTime += time.Since(start)
		if int(lines) != n {
			b.Fatalf("jq wrote %d lines for %d requests", lines, n)
		}
	}
	iterations := float64(b.N)
	perSecond := func(d time.Duration) float64 { return float64(n) * iterations / d.Seconds() }
	b.ReportMetric(perSecond(mapTime), "map-items/s")
	b.ReportMetric(perSecond(jsonTime), "map+json-items/s")
	b.ReportMetric(perSecond(offJSONTime), "nolimits-map+json-items/s")
	b.ReportMetric(perSecond(jqTime), "jq-items/s")
	b.ReportMetric(jqTime.Seconds()/jsonTime.Seconds(), "x-jq")
	b.ReportMetric(jqTime.Seconds()/offJSONTime.Seconds(), "nolimits-x-jq")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-growth-MiB")
	b.ReportMetric(float64(size)/float64(n), "bytes/item")
}

func writeNDJSON(b *testing.B, path string, items []json.RawMessage) int {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	size := 0
	for _, it := range items {
		size += len(it)
		_, _ = w.Write(it)
		_ = w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return size
}

// peakHeapGrowth runs f and returns how far the heap (live objects and
// garbage not yet freed, sampled every millisecond with runtime/metrics)
// grew above its size before f.
func peakHeapGrowth(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(sample)
	base, peak := sample[0].Value.Uint64(), sample[0].Value.Uint64()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		s := []metrics.Sample{{Name: heapObjectsMetric}}
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				metrics.Read(s)
				peak = max(peak, s[0].Value.Uint64())
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak - base
}

// BenchmarkRunawayRange maps one item with `[range(1e9)] | length`, which
// would build a 1e9-element array (tens of GiB), and reports what stopped
// it and the peak heap growth: with the default limits (the five-second
// item limit ends it first), and with the time limit raised so that the
// memory limit (256 MiB) has to.
func BenchmarkRunawayRange(b *testing.B) {
	m := organizationMapping
	m.Properties = map[string]string{"huge": "[range(1e9)] | length"}
	p := mustCompile(b, m)
	items := []json.RawMessage{json.RawMessage(`{"id":1,"name":"org"}`)}
	for _, tc := range []struct {
		name   string
		limits Limits
		want   LimitKind
	}{
		{"default-limits", DefaultLimits, LimitItemTimeout},
		{"memory-256MiB", Limits{ItemTimeout: time.Hour, MaxMemory: 256 << 20}, LimitMemory},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeapGrowth(func() {
					_, err := p.Map(b.Context(), items, tc.limits)
					var le *LimitError
					if !errors.As(err, &le) || le.Kind != tc.want {
						b.Fatalf("got %v, want limit %d", err, tc.want)
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-growth-MiB")
		})
	}
}

// BenchmarkLargeProperties maps 100,000 items with an 11 KB property
// under the default limits, which the memory limit must not stop: the
// entities kept are over 1 GiB, but no one evaluation grows the heap by
// more than a few kilobytes. It reports the peak heap growth.
func BenchmarkLargeProperties(b *testing.B) {
	m := organizationMapping
	m.Properties = map[string]string{"description": ".description"}
	p := mustCompile(b, m)
	items := largeItems(100000)
	var peak uint64
	for b.Loop() {
		peak = max(peak, peakHeapGrowth(func() {
			set, err := p.Map(b.Context(), items, DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			if len(set) != len(items) {
				b.Fatalf("%d entities from %d items", len(set), len(items))
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-growth-MiB")
}

// BenchmarkDecodeRequest compares the decoder with encoding/json on one
// realistic request.
func BenchmarkDecodeRequest(b *testing.B) {
	items := benchRequests()[:1000]
	b.Run("decoder", func(b *testing.B) {
		var d jsonvalue.Decoder
		b.SetBytes(int64(len(items[0])))
		i := 0
		for b.Loop() {
			if _, err := d.Decode(string(items[i%len(items)])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(items[0])))
		i := 0
		for b.Loop() {
			dec := json.NewDecoder(bytes.NewReader(items[i%len(items)]))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkEvaluateRequest compares the combined program with running each
// field's program on one decoded request.
func BenchmarkEvaluateRequest(b *testing.B) {
	p := mustCompile(b, customerRequestMapping)
	w := &worker{p: p, ctx: b.Context()}
	doc, err := w.dec.Decode(string(benchRequests()[0]))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("combined", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.evaluate(0, doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("field-by-field", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.evaluateEach(0, doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
