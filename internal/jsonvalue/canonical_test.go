package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTerraformJSONEncode pins the output of Terraform 1.11's jsonencode
// for the same values (taken from `terraform console`).
func TestTerraformJSONEncode(t *testing.T) {
	doc := `{"z":1,"Z":2,"é":3,"_a":4,"a":1e-7,"b":1.5,"c":3,"d":"<&>\u2028\b\f\u0001` + "\x7f" + `","e":1e21,"f":1.0,` +
		`"g":12345678901234567890123,"h":0.30000000000000004,"i":-0,"k":1.5e-10,"o":123456789.123456789123,"n":1E-7}`
	want := `{"Z":2,"_a":4,"a":0.0000001,"b":1.5,"c":3,"d":"\u003c\u0026\u003e\u2028\b\f\u0001` + "\x7f" + `","e":1000000000000000000000,` +
		`"f":1,"g":12345678901234567890123,"h":0.30000000000000004,"i":-0,"k":0.00000000015,"n":0.0000001,"o":123456789.123456789123,"z":1,"é":3}`
	got, err := Canonicalize([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCanonicalize(t *testing.T) {
	a := `{
	  "10100": {
	    "title": "VPN access",
	    "relations": {"serviceDesk": "1"},
	    "properties": {"status": "Open", "count": 2.50, "tags": ["x", "y"]}
	  },
	  "10099": {"properties": {}, "relations": {}}
	}`
	b := `{"10099":{"relations":{},"properties":{}},"10100":{"properties":{"tags":["x","y"],"count":25e-1,"status":"Open"},"relations":{"serviceDesk":"1"},"title":"VPN access"}}`
	want := `{"10099":{"properties":{},"relations":{}},"10100":{"properties":{"count":2.5,"status":"Open","tags":["x","y"]},"relations":{"serviceDesk":"1"},"title":"VPN access"}}`
	for _, doc := range []string{a, b, want} {
		got, err := Canonicalize([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("Canonicalize(%s)\n= %s\nwant %s", doc, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1}x`, `{"a":01}`, `[1,]`, `"\x"`, `1e99999`} {
		if _, err := Canonicalize([]byte(bad)); err == nil {
			t.Errorf("Canonicalize(%q) accepted it", bad)
		}
	}
}

func TestCanonicalNumber(t *testing.T) {
	for lit, want := range map[string]string{
		"0": "0", "-0": "-0", "0.0": "0", "-0.0": "-0", "1": "1", "-12": "-12", "1.0": "1", "1.50": "1.5",
		"1e3": "1000", "1E+3": "1000", "1.5e3": "1500", "1.25e1": "12.5", "125e-2": "1.25", "1e-7": "0.0000001",
		"0.000123": "0.000123", "123.456e-5": "0.00123456", "1e21": "1000000000000000000000",
		"12345678901234567890.5": "12345678901234567890.5", "0e10": "0", "100e-2": "1",
	} {
		got, err := canonicalNumber(lit)
		if err != nil || got != want {
			t.Errorf("canonicalNumber(%s) = %q, %v; want %q", lit, got, err, want)
		}
	}
	if _, err := canonicalNumber("1e1001"); err == nil {
		t.Error("1e1001 accepted")
	}
	for f, want := range map[float64]any{
		1.5: json.Number("1.5"), 3: json.Number("3"), 1e-7: json.Number("0.0000001"), math.Copysign(0, -1): json.Number("-0"),
		math.NaN(): nil, 1e300: json.Number("1" + strings.Repeat("0", 300)),
	} {
		if got := canonicalFloat(f); got != want {
			t.Errorf("canonicalFloat(%v) = %v, want %v", f, got, want)
		}
	}
	if n, _ := canonicalFloat(math.Inf(-1)).(json.Number); !strings.HasPrefix(string(n), "-17976931348623157") {
		t.Errorf("canonicalFloat(-Inf) = %v", n)
	}
}

// FuzzAppendString checks AppendString against encoding/json.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\u2028\u2029", "\x00\x1f\x7f", "\xff\xfe", "é😀", `"\`, "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}

// FuzzCanonicalize checks that Canonicalize accepts what encoding/json
// accepts, keeps the value, and is idempotent.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1.50,"x",null,true]}`, `1e2`, `"\ud83d\ude00\ud800"`, `{"a":1,"a":2}`, `[]`, ` {} `, `-0.0e-0`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, err := Canonicalize(doc)
		if !json.Valid(doc) {
			if err == nil {
				t.Fatalf("Canonicalize accepted invalid JSON %q", doc)
			}
			return
		}
		if err != nil {
			if strings.Contains(err.Error(), "out of range") {
				return
			}
			t.Fatalf("Canonicalize(%q): %v", doc, err)
		}
		var want, have any
		if err := json.Unmarshal(doc, &want); err != nil {
			return // a number out of float64 range
		}
		if err := json.Unmarshal(got, &have); err != nil {
			t.Fatalf("Canonicalize(%q) = %q, not JSON: %v", doc, got, err)
		}
		if !reflect.DeepEqual(want, have) {
			t.Fatalf("Canonicalize(%q) = %q changed the value", doc, got)
		}
		again, err := Canonicalize(got)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("Canonicalize is not idempotent on %q: %q, %v", got, again, err)
		}
		if !utf8.Valid(got) {
			t.Fatalf("Canonicalize(%q) = %q is not UTF-8", doc, got)
		}
	})
}
