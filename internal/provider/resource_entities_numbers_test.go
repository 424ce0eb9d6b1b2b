package provider

import (
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// withSize is a request of desk D1 whose size property is the number
// literal size.
func withSize(id, size string) entity.Entity {
	e := requestEntity(id, "D1")
	e.Properties = entity.Fields{{Key: "size", Value: entity.JSON(size)}, {Key: "status", Value: `"open"`}}
	return e
}

// TestAccSyncNumbersPortRoundsPlanNoChange is defect 7 of issue 16: Port
// keeps numbers as doubles, so a number with more digits reads back rounded.
// The plan that writes it warns once, naming the entity and the property,
// and the next plan, with its refresh, is empty.
func TestAccSyncNumbersPortRoundsPlanNoChange(t *testing.T) {
	r := newSyncRig(t)
	requests := setOf(withSize("R1", "9007199254740993"), withSize("R2", "0.1000000000000000055511151231257827"),
		withSize("R3", "2.5"))
	r.setSource(setOf(deskEntity("D1")), requests, nil)
	mustApply(t, r, 0, "Warning: Numbers Port Will Round",
		`property "size" of entity "R1" of blueprint request, written as 9007199254740993, as 9007199254740992, and 1 more entities`)
	if got, _ := r.port.Entity("request", "R1"); at(got, "properties", "size") != 9007199254740992.0 {
		t.Fatalf("Port holds %v", got["properties"])
	}
	mustPlanEmpty(t, r)

	requests.Add(withSize("R1", "9007199254740995"))
	r.setSource(setOf(deskEntity("D1")), requests, nil)
	mustApply(t, r, 0, `written as 9007199254740995, as 9007199254740996.`)
	mustPlanEmpty(t, r)
}
