package jsonvalue

import "testing"

func TestAsDoubleIsWhatAJavaScriptBackendKeeps(t *testing.T) {
	for lit, want := range map[string]struct {
		held   string
		rounds bool
	}{
		"9007199254740992":                     {"9007199254740992", false},
		"9007199254740993":                     {"9007199254740992", true},
		"-18014398509481985":                   {"-18014398509481984", true},
		"0.1000000000000000055511151231257827": {"0.1", true},
		"123456789.123456789123":               {"123456789.12345679", true},
		"0.1":                                  {"0.1", false},
		"1.50":                                 {"1.5", false},
		"1e21":                                 {"1000000000000000000000", false},
		"123456789012345":                      {"123456789012345", false},
		"1e400":                                {"Infinity", true},
	} {
		held, rounds := AsDouble(lit)
		if held != want.held || rounds != want.rounds {
			t.Errorf("AsDouble(%s) = %s, %v; want %s, %v", lit, held, rounds, want.held, want.rounds)
		}
	}
}

func TestSameAsDoublesComparesNumbersAsPortHoldsThem(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"9007199254740993", "9007199254740992", true},
		{`{"n":[0.1000000000000000055511151231257827,"x"]}`, `{"n":[0.1,"x"]}`, true},
		{"9007199254740993", "9007199254740994", false},
		{`"9007199254740993"`, `"9007199254740992"`, false},
		{`{"n":1}`, `{"n":1,"m":2}`, false},
		{`[1,2]`, `[2,1]`, false},
		{"1", `"1"`, false},
	} {
		if got := SameAsDoubles(c.a, c.b); got != c.same {
			t.Errorf("SameAsDoubles(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

func TestFirstRoundedNumberFindsANumberThatLosesDigits(t *testing.T) {
	lit, held, ok := FirstRoundedNumber(`{"id":"12345678901234567890","sizes":[1,9007199254740993]}`)
	if !ok || lit != "9007199254740993" || held != "9007199254740992" {
		t.Fatalf("got %s, %s, %v", lit, held, ok)
	}
	if _, _, ok := FirstRoundedNumber(`{"id":"12345678901234567890","n":12345.678}`); ok {
		t.Fatal("a digit string and an exact number were taken for a rounded number")
	}
}
