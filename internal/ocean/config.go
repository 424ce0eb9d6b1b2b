// Package ocean reads the port-app-config of Port's Ocean integrations, so
// that an Ocean mapping can be reused unchanged.
package ocean

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

// DefaultDeletionThreshold is Ocean's entityDeletionThreshold default.
const DefaultDeletionThreshold = 0.9

// Config is a port-app-config.
type Config struct {
	CreateMissingRelatedEntities bool       `yaml:"createMissingRelatedEntities"`
	DeleteDependentEntities      bool       `yaml:"deleteDependentEntities"`
	EntityDeletionThreshold      *float64   `yaml:"entityDeletionThreshold"`
	Resources                    []Resource `yaml:"resources"`
}

// DeletionThreshold is entityDeletionThreshold, or Ocean's default.
func (c Config) DeletionThreshold() float64 {
	if c.EntityDeletionThreshold != nil {
		return *c.EntityDeletionThreshold
	}
	return DefaultDeletionThreshold
}

// Resource is one kind and how its items become entities.
type Resource struct {
	Kind     string    `yaml:"kind"`
	Selector Selector  `yaml:"selector"`
	Port     PortBlock `yaml:"port"`
	// Mappings are the resource's entity mappings, one or a list.
	Mappings []EntityMapping `yaml:"-"`
}

// Selector picks the items of a kind.
type Selector struct {
	Query       string            `yaml:"query"`
	DataPath    string            `yaml:"data_path"`
	QueryParams map[string]string `yaml:"query_params"`
}

// PortBlock is a resource's port section.
type PortBlock struct {
	Entity struct {
		Mappings yaml.Node `yaml:"mappings"`
	} `yaml:"entity"`
	// ItemsToParse, ItemsToParseName and ItemsToParseTopLevelTransform
	// turn each element of an item's array into an item of its own.
	ItemsToParse                  string `yaml:"itemsToParse"`
	ItemsToParseName              string `yaml:"itemsToParseName"`
	ItemsToParseTopLevelTransform *bool  `yaml:"itemsToParseTopLevelTransform"`
}

// ItemsToParse is the resource's itemsToParse settings, or nil when it
// maps the items it reads directly.
func (r Resource) ItemsToParse() *mapping.ItemsToParse {
	if r.Port.ItemsToParse == "" {
		return nil
	}
	transform := r.Port.ItemsToParseTopLevelTransform
	return &mapping.ItemsToParse{
		Expr:            r.Port.ItemsToParse,
		Name:            r.Port.ItemsToParseName,
		KeepParsedArray: transform != nil && !*transform,
	}
}

// EntityMapping is one port.entity.mappings block, with its blueprint
// resolved from the constant JQ string Ocean configurations use.
type EntityMapping struct {
	Identifier string            `yaml:"identifier"`
	Title      string            `yaml:"title"`
	Blueprint  string            `yaml:"blueprint"`
	Icon       string            `yaml:"icon"`
	Team       string            `yaml:"team"`
	Properties map[string]string `yaml:"properties"`
	Relations  map[string]string `yaml:"relations"`
}

// Mapping is the entity mapping with the resource's selector.
func (m EntityMapping) Mapping(selector string) mapping.Mapping {
	return mapping.Mapping{
		Selector: selector, Identifier: m.Identifier, Title: m.Title, Icon: m.Icon, Team: m.Team,
		Properties: m.Properties, Relations: m.Relations,
	}
}

// Parse reads and checks a port-app-config document.
func Parse(doc []byte) (*Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("the port-app-config is not valid YAML of the expected shape: %w", err)
	}
	if len(cfg.Resources) == 0 {
		return nil, errors.New("the port-app-config has no resources: list at least one kind under resources")
	}
	if t := cfg.DeletionThreshold(); t < 0 || t > 1 {
		return nil, fmt.Errorf("entityDeletionThreshold is %v: it must be between 0 and 1", t)
	}
	for i := range cfg.Resources {
		if err := cfg.Resources[i].resolve(); err != nil {
			return nil, fmt.Errorf("resources[%d] (kind %q): %w", i, cfg.Resources[i].Kind, err)
		}
	}
	return &cfg, nil
}

func (r *Resource) resolve() error {
	if strings.TrimSpace(r.Kind) == "" {
		return errors.New("kind is empty: give the Service Desk API path, such as /rest/servicedeskapi/request")
	}
	if spec := r.ItemsToParse(); spec != nil {
		if _, err := mapping.CompileItemsToParse(*spec); err != nil {
			return fmt.Errorf("port.%w", err)
		}
	}
	if r.Selector.DataPath == "" {
		r.Selector.DataPath = ".values"
	}
	node := &r.Port.Entity.Mappings
	switch node.Kind {
	case yaml.MappingNode:
		var m EntityMapping
		if err := node.Decode(&m); err != nil {
			return fmt.Errorf("port.entity.mappings: %w", err)
		}
		r.Mappings = []EntityMapping{m}
	case yaml.SequenceNode:
		if err := node.Decode(&r.Mappings); err != nil {
			return fmt.Errorf("port.entity.mappings: %w", err)
		}
	default:
		return errors.New("port.entity.mappings is missing: give identifier, blueprint and the other fields")
	}
	for j := range r.Mappings {
		bp, err := constantString(r.Mappings[j].Blueprint)
		if err != nil {
			return fmt.Errorf("port.entity.mappings[%d].blueprint %q: %w; use a JQ string literal such as '\"jsmCustomerRequest\"'", j, r.Mappings[j].Blueprint, err)
		}
		r.Mappings[j].Blueprint = bp
	}
	return nil
}

// constantString evaluates a JQ expression that does not depend on the item,
// such as the blueprint of an Ocean mapping.
func constantString(expr string) (string, error) {
	code, err := mapping.CompileExpr("blueprint", expr)
	if err != nil {
		return "", err
	}
	v, ok := code.Run(nil).Next()
	if !ok {
		return "", errors.New("it gives no value")
	}
	if err, isErr := v.(error); isErr {
		return "", err
	}
	s, isString := v.(string)
	if !isString || s == "" {
		return "", errors.New("it must give the same non-empty string for every item, and gives none without one")
	}
	return s, nil
}
