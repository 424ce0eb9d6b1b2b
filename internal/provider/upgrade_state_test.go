package provider

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The stored states of portjsm_entities that Terraform sends: every attribute
// of its JSON type or null, some missing, with attributes of older versions,
// repeated keys and entities_json strings full of escapes.
func TestFlatStateUpgradeMatchesFramework(t *testing.T) {
	ctx := context.Background()
	framework := providerserver.NewProtocol6(New("test")())()
	flat := newFlatStateServer(framework)
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 18))
		raw := randomEntitiesState(rng)
		req := &tfprotov6.UpgradeResourceStateRequest{TypeName: "portjsm_entities", Version: 0, RawState: &tfprotov6.RawState{JSON: raw}}
		got, ok := flat.upgradeFlat(ctx, req)
		if !ok {
			t.Fatalf("seed %d: the state was left to the framework; it has only plain values:\n%s", seed, raw)
		}
		want, err := framework.UpgradeResourceState(ctx, req)
		if err != nil || len(want.Diagnostics) > 0 {
			t.Fatalf("seed %d: the framework did not upgrade the state (%v, %v):\n%s", seed, err, want.Diagnostics, raw)
		}
		if !bytes.Equal(got.UpgradedState.MsgPack, want.UpgradedState.MsgPack) {
			t.Fatalf("seed %d: the upgraded state differs from the framework's:\n%s", seed, raw)
		}
	}
}

// A state the fast path does not read as plain values is the framework's to
// answer, with its own value or its own error.
func TestFlatStateUpgradeLeavesTheRestToTheFramework(t *testing.T) {
	ctx := context.Background()
	framework := providerserver.NewProtocol6(New("test")())()
	server := NewServer(New("test"))()
	flat := newFlatStateServer(framework)
	cases := map[string]*tfprotov6.UpgradeResourceStateRequest{
		"a number as a string": entitiesRaw(`{"blueprint":"b","entities_json":"{}","deletion_threshold":"0.5"}`),
		"a bool as a string":   entitiesRaw(`{"blueprint":"b","entities_json":"{}","delete_dependents":"true"}`),
		"a string as a number": entitiesRaw(`{"blueprint":7,"entities_json":"{}"}`),
		"a string as a bool":   entitiesRaw(`{"blueprint":true,"entities_json":"{}"}`),
		"an object value":      entitiesRaw(`{"blueprint":{"a":1},"entities_json":"{}"}`),
		"not JSON":             entitiesRaw(`{"blueprint":"b",`),
		"not an object":        entitiesRaw(`["b"]`),
		"null":                 entitiesRaw(`null`),
		"a later version":      {TypeName: "portjsm_entities", Version: 1, RawState: &tfprotov6.RawState{JSON: []byte(`{"blueprint":"b"}`)}},
		"a flatmap state":      {TypeName: "portjsm_entities", RawState: &tfprotov6.RawState{Flatmap: map[string]string{"blueprint": "b"}}},
		"no state":             {TypeName: "portjsm_entities"},
		"a nested schema":      {TypeName: "portjsm_blueprint", RawState: &tfprotov6.RawState{JSON: []byte(`{"identifier":"b"}`)}},
		"an unknown resource":  {TypeName: "portjsm_nothing", RawState: &tfprotov6.RawState{JSON: []byte(`{}`)}},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			if _, ok := flat.upgradeFlat(ctx, req); ok {
				t.Fatal("the fast path answered")
			}
			got, err := server.UpgradeResourceState(ctx, req)
			want, wantErr := framework.UpgradeResourceState(ctx, req)
			if gotText, wantText := describeUpgrade(got, err), describeUpgrade(want, wantErr); gotText != wantText {
				t.Fatalf("the provider answered\n%s\nthe framework\n%s", gotText, wantText)
			}
		})
	}
}

// describeUpgrade is an upgrade's answer as text: its state and diagnostics.
func describeUpgrade(resp *tfprotov6.UpgradeResourceStateResponse, err error) string {
	text := fmt.Sprintf("error %v", err)
	if resp == nil {
		return text
	}
	if resp.UpgradedState != nil {
		text += fmt.Sprintf("\nstate %x", resp.UpgradedState.MsgPack)
	}
	for _, d := range resp.Diagnostics {
		text += fmt.Sprintf("\n%v %s: %s (%v)", d.Severity, d.Summary, d.Detail, d.Attribute)
	}
	return text
}

func entitiesRaw(raw string) *tfprotov6.UpgradeResourceStateRequest {
	return &tfprotov6.UpgradeResourceStateRequest{TypeName: "portjsm_entities", RawState: &tfprotov6.RawState{JSON: []byte(raw)}}
}

// randomEntitiesState writes a stored state of portjsm_entities as
// Terraform might: indented or not, attributes in any order, some null or
// missing, an attribute the schema no longer has, a key given twice.
func randomEntitiesState(rng *rand.Rand) []byte {
	members := []string{
		`"id":` + maybeNull(rng, randomJSONString(rng)),
		`"blueprint":` + maybeNull(rng, randomJSONString(rng)),
		`"entities_json":` + maybeNull(rng, randomJSONString(rng)),
		`"deletion_threshold":` + maybeNull(rng, randomJSONNumber(rng)),
		`"create_missing_related_entities":` + maybeNull(rng, []string{"true", "false"}[rng.IntN(2)]),
		`"delete_dependents":` + maybeNull(rng, []string{"true", "false"}[rng.IntN(2)]),
		`"check_schema":` + maybeNull(rng, []string{"true", "false"}[rng.IntN(2)]),
	}
	rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	members = members[:len(members)-rng.IntN(3)]
	if rng.IntN(3) == 0 {
		members = append(members, `"retired_attribute":{"a":[1,"x",null]}`)
	}
	if rng.IntN(3) == 0 {
		members = append([]string{`"blueprint":"first"`}, members...)
	}
	sep := ","
	if rng.IntN(2) == 0 {
		sep = ",\n    "
	}
	return []byte("{" + strings.Join(members, sep) + "}")
}

func maybeNull(rng *rand.Rand, v string) string {
	if rng.IntN(6) == 0 {
		return "null"
	}
	return v
}

// randomJSONString is a JSON string literal with escapes of every kind,
// HTML characters as Terraform's state escapes them, non-ASCII text and,
// now and then, raw bytes that are not UTF-8.
func randomJSONString(rng *rand.Rand) string {
	pieces := []string{`a`, `entity`, `\"`, `\\`, `\/`, `\n`, `\t`, `\u003c`, `\u0026`, `\u2028`, `\ud83d\ude00`, `\ud800`, `é`, `日本`,
		`{\"svc\":{\"title\":\"x\",\"properties\":{\"n\":1.50}}}`, "\xff", " "}
	var b strings.Builder
	b.WriteByte('"')
	for range rng.IntN(40) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	b.WriteByte('"')
	return b.String()
}

func randomJSONNumber(rng *rand.Rand) string {
	forms := []string{"0.9", "1", "0", "-0", "9e-1", "9E-1", "0.1000000000000000055511151231257827", "12345678901234567890123",
		"1e308", "5e-324", "0.30000000000000004", "-2.5E+3"}
	return forms[rng.IntN(len(forms))]
}
