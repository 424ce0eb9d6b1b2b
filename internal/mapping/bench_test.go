package mapping

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
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
// iteration. It reports items per second for the engine (Map alone, and Map
// plus MarshalCanonical, which writes JSON like jq does) and for jq, and
// the ratio engine (with JSON output) / jq.
func BenchmarkCustomerRequestsVsJQ(b *testing.B) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		b.Skip("jq is not installed")
	}
	items := benchRequests()
	n := len(items)
	path := filepath.Join(b.TempDir(), "requests.ndjson")
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
	p := mustCompile(b, customerRequestMapping)

	var mapTime, jsonTime, jqTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		set, err := p.Map(b.Context(), items, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		mapTime += time.Since(start)
		doc, err := set.MarshalCanonical()
		if err != nil {
			b.Fatal(err)
		}
		jsonTime += time.Since(start)
		if set.Len() != n || len(doc) == 0 {
			b.Fatalf("%d entities from %d requests", set.Len(), n)
		}

		start = time.Now()
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
	b.ReportMetric(perSecond(jqTime), "jq-items/s")
	b.ReportMetric(jqTime.Seconds()/jsonTime.Seconds(), "x-jq")
	b.ReportMetric(float64(size)/float64(n), "bytes/item")
}

// BenchmarkDecodeRequest compares the decoder with encoding/json on one
// realistic request.
func BenchmarkDecodeRequest(b *testing.B) {
	items := benchRequests()[:1000]
	b.Run("decoder", func(b *testing.B) {
		var d decoder
		b.SetBytes(int64(len(items[0])))
		i := 0
		for b.Loop() {
			if _, err := d.decode(string(items[i%len(items)])); err != nil {
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
	doc, err := w.dec.decode(string(benchRequests()[0]))
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
