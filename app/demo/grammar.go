package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// The vocabulary is a small grammar: a phrase is literal text with
// {slot} references (a named list or a built-in such as the street) and
// [a|b|c] inline choices, which nest; an empty alternative makes a part
// optional. Phrases are compiled once into trees and expanded straight into
// a byte buffer, so a comment costs a few dozen random draws and no parsing.

type nodeKind uint8

const (
	kLit nodeKind = iota
	kList
	kBuiltin
	kChoice
)

type node struct {
	kind    nodeKind
	id      int // list or builtin id
	lit     string
	alts    []seq
	capAlts []int // alternatives usable when the text must not name a place
}

type seq []node

// Built-in slots. Those up to bPlaceLast name a place and are unavailable
// when a comment is meant to carry no place in its text.
const (
	bTown = iota
	bIn
	bGen
	bPeople
	bAdj
	bDgen
	bDloc
	bAdmin
	bHosp
	bHospLoc
	bStreet
	bStreetLoc
	bVillage
	bVillageLoc
	bSpot
	bNum
	bHouse
	bBus
	bGreet
	bAgency
	bDate
	bBDate
	bBTime
	bPhone
)

const bPlaceLast = bSpot

var builtinNames = map[string]int{
	"town": bTown, "in": bIn, "gen": bGen, "people": bPeople, "adj": bAdj,
	"dgen": bDgen, "dloc": bDloc, "admin": bAdmin, "hosp": bHosp, "hosp_loc": bHospLoc,
	"street": bStreet, "street_loc": bStreetLoc, "village": bVillage, "village_loc": bVillageLoc,
	"spot": bSpot, "num": bNum, "house": bHouse, "bus": bBus, "greet": bGreet,
	"agency": bAgency, "date": bDate, "bdate": bBDate, "btime": bBTime, "phone": bPhone,
}

// compiler turns phrase sources into trees and checks every slot name.
type compiler struct {
	listIDs map[string]int
	lists   []list
	state   []uint8 // capability pass: 0 new, 1 visiting, 2 done
}

type list struct {
	name  string
	items []seq
	caps  []int // items usable without a place
}

func newCompiler() *compiler { return &compiler{listIDs: map[string]int{}} }

// declare reserves a list id so phrases may refer to it before it is filled.
func (c *compiler) declare(name string) int {
	if id, ok := c.listIDs[name]; ok {
		return id
	}
	id := len(c.lists)
	c.listIDs[name] = id
	c.lists = append(c.lists, list{name: name})
	return id
}

// addList compiles the items of a declared list.
func (c *compiler) addList(name string, src []string) (int, error) {
	id := c.declare(name)
	if len(src) == 0 {
		return 0, fmt.Errorf("list %q is empty", name)
	}
	items := make([]seq, 0, len(src))
	for _, s := range src {
		q, err := c.parse(s)
		if err != nil {
			return 0, fmt.Errorf("list %q: %w", name, err)
		}
		items = append(items, q)
	}
	c.lists[id].items = items
	return id, nil
}

func (c *compiler) parse(src string) (seq, error) {
	p := parser{src: src, c: c}
	s, err := p.seq(0)
	if err != nil {
		return nil, fmt.Errorf("%w in %q", err, src)
	}
	return s, nil
}

type parser struct {
	src string
	pos int
	c   *compiler
}

func (p *parser) seq(depth int) (seq, error) {
	var out seq
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, node{kind: kLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		switch ch {
		case '{':
			end := strings.IndexByte(p.src[p.pos:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed { at %d", p.pos)
			}
			name := p.src[p.pos+1 : p.pos+end]
			if name == "" || strings.ContainsAny(name, "{[]| ") {
				return nil, fmt.Errorf("bad slot name %q", name)
			}
			flush()
			if b, ok := builtinNames[name]; ok {
				out = append(out, node{kind: kBuiltin, id: b})
			} else if id, ok := p.c.listIDs[name]; ok {
				out = append(out, node{kind: kList, id: id})
			} else {
				return nil, fmt.Errorf("unknown slot {%s}", name)
			}
			p.pos += end + 1
		case '[':
			flush()
			p.pos++
			var alts []seq
			for {
				a, err := p.seq(depth + 1)
				if err != nil {
					return nil, err
				}
				alts = append(alts, a)
				if p.pos >= len(p.src) {
					return nil, fmt.Errorf("unclosed [")
				}
				c := p.src[p.pos]
				p.pos++
				if c == ']' {
					break
				}
			}
			out = append(out, node{kind: kChoice, alts: alts})
		case '|', ']':
			if depth == 0 {
				return nil, fmt.Errorf("stray %q at %d", ch, p.pos)
			}
			flush()
			return out, nil
		case '}':
			return nil, fmt.Errorf("stray } at %d", p.pos)
		default:
			lit.WriteByte(ch)
			p.pos++
		}
	}
	if depth > 0 {
		return nil, fmt.Errorf("unclosed [")
	}
	flush()
	return out, nil
}

// finish computes, for every list and choice, which parts can be expanded
// without naming a place. It must run after all lists are filled.
func (c *compiler) finish() error {
	c.state = make([]uint8, len(c.lists))
	for id := range c.lists {
		if len(c.lists[id].items) == 0 {
			return fmt.Errorf("list %q is referenced but never defined", c.lists[id].name)
		}
		if _, err := c.listCapable(id); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) listCapable(id int) (bool, error) {
	switch c.state[id] {
	case 1:
		return false, fmt.Errorf("list %q refers to itself", c.lists[id].name)
	case 2:
		return len(c.lists[id].caps) > 0, nil
	}
	c.state[id] = 1
	l := &c.lists[id]
	for i, it := range l.items {
		ok, err := c.capable(it)
		if err != nil {
			return false, err
		}
		if ok {
			l.caps = append(l.caps, i)
		}
	}
	c.state[id] = 2
	return len(l.caps) > 0, nil
}

// capable reports whether s can be expanded without naming a place, and
// records the usable alternatives of its choices on the way.
func (c *compiler) capable(s seq) (bool, error) {
	all := true
	for i := range s {
		n := &s[i]
		switch n.kind {
		case kBuiltin:
			if n.id <= bPlaceLast {
				all = false
			}
		case kList:
			ok, err := c.listCapable(n.id)
			if err != nil {
				return false, err
			}
			all = all && ok
		case kChoice:
			n.capAlts = n.capAlts[:0]
			for j, a := range n.alts {
				ok, err := c.capable(a)
				if err != nil {
					return false, err
				}
				if ok {
					n.capAlts = append(n.capAlts, j)
				}
			}
			all = all && len(n.capAlts) > 0
		}
	}
	return all, nil
}

// expander holds the state of one text being written: the municipality,
// the street or village once chosen (so a comment and the office's answer
// speak of the same place) and the output buffer.
type expander struct {
	v         *vocab
	r         *rand.Rand
	buf       []byte
	m         *muni
	placeless bool
	street    int
	village   int
	hosp      int
	first     string // the resident's first name, "" when unknown
	agency    int    // list id of the current topic's agencies
	base      time.Time
	bdate     time.Time
}

func (e *expander) reset(m *muni, placeless bool) {
	e.m = m
	e.placeless = placeless
	e.street, e.village, e.hosp = -1, -1, -1
}

func (e *expander) seq(s seq) {
	for i := range s {
		n := &s[i]
		switch n.kind {
		case kLit:
			e.buf = append(e.buf, n.lit...)
		case kChoice:
			if e.placeless {
				e.seq(n.alts[n.capAlts[e.r.IntN(len(n.capAlts))]])
			} else {
				e.seq(n.alts[e.r.IntN(len(n.alts))])
			}
		case kList:
			e.list(n.id)
		case kBuiltin:
			e.builtin(n.id)
		}
	}
}

// seqAfter expands s as the continuation of a sentence: when the text so
// far ends in a comma, colon or dash (an address, «Кстати,»), the phrase's
// capital letter is lowered.
func (e *expander) seqAfter(s seq) {
	mark := len(e.buf)
	e.seq(s)
	k := mark - 1
	for k >= 0 && e.buf[k] == ' ' {
		k--
	}
	if k < 0 || !isCyr(e.buf, mark) {
		return
	}
	switch e.buf[k] {
	case ',', ':', 0x94: // 0x94 ends the UTF-8 em dash
		e.buf[mark], e.buf[mark+1] = lowerCyr(e.buf[mark], e.buf[mark+1])
	}
}

// seqLower expands s with its first letter in lower case, for a phrase
// joined to the previous one («А ещё …», «Плюс ко всему …»).
func (e *expander) seqLower(s seq) {
	mark := len(e.buf)
	e.seq(s)
	if isCyr(e.buf, mark) {
		e.buf[mark], e.buf[mark+1] = lowerCyr(e.buf[mark], e.buf[mark+1])
	}
}

func (e *expander) list(id int) {
	l := &e.v.lists[id]
	if e.placeless {
		e.seq(l.items[l.caps[e.r.IntN(len(l.caps))]])
		return
	}
	e.seq(l.items[e.r.IntN(len(l.items))])
}

func (e *expander) builtin(id int) {
	m := e.m
	switch id {
	case bTown:
		e.buf = append(e.buf, m.Town...)
	case bIn:
		e.buf = append(e.buf, m.In...)
	case bGen:
		e.buf = append(e.buf, m.Gen...)
	case bPeople:
		e.buf = append(e.buf, m.People...)
	case bAdj:
		e.buf = append(e.buf, m.Adj...)
	case bDgen:
		e.buf = append(e.buf, m.Dgen...)
	case bDloc:
		e.buf = append(e.buf, m.Dloc...)
	case bAdmin:
		e.buf = append(e.buf, m.Admin...)
	case bHosp, bHospLoc:
		if e.hosp < 0 {
			e.hosp = e.r.IntN(len(m.hosp))
		}
		e.buf = append(e.buf, m.hosp[e.hosp].pick(id == bHospLoc)...)
	case bStreet, bStreetLoc:
		if e.street < 0 {
			e.street = e.r.IntN(len(m.streets))
		}
		e.buf = append(e.buf, m.streets[e.street].pick(id == bStreetLoc)...)
	case bVillage, bVillageLoc:
		if e.village < 0 {
			e.village = e.r.IntN(len(m.villages))
		}
		e.buf = append(e.buf, m.villages[e.village].pick(id == bVillageLoc)...)
	case bSpot:
		switch {
		case e.street >= 0:
			e.buf = append(e.buf, m.streets[e.street].loc...)
		case e.village >= 0:
			e.buf = append(e.buf, m.villages[e.village].loc...)
		case e.hosp >= 0:
			e.buf = append(e.buf, m.hosp[e.hosp].loc...)
		default:
			e.buf = append(e.buf, m.In...)
		}
	case bNum:
		e.buf = strconv.AppendInt(e.buf, int64(2+e.r.IntN(34)), 10)
	case bHouse:
		e.buf = strconv.AppendInt(e.buf, int64(1+e.r.IntN(120)), 10)
		switch x := e.r.IntN(20); {
		case x == 0:
			e.buf = append(e.buf, "а"...)
		case x == 1:
			e.buf = append(e.buf, "б"...)
		case x == 2:
			e.buf = append(e.buf, "/2"...)
		}
	case bBus:
		n := 12
		if m.Code == "smolensk" {
			n = 60
		}
		e.buf = strconv.AppendInt(e.buf, int64(1+e.r.IntN(n)), 10)
	case bGreet:
		e.greet()
	case bAgency:
		e.list(e.agency)
	case bDate:
		e.date(e.base.AddDate(0, 0, 3+e.r.IntN(12)))
	case bBDate:
		e.date(e.bdate)
	case bBTime:
		e.buf = e.bdate.AppendFormat(e.buf, "15:04")
	case bPhone:
		// A mobile number as people type it: 8-9XX-XXX-XX-XX.
		e.buf = append(e.buf, "8-9"...)
		e.buf = appendDigits(e.buf, e.r.IntN(100), 2)
		e.buf = append(e.buf, '-')
		e.buf = appendDigits(e.buf, e.r.IntN(1000), 3)
		e.buf = append(e.buf, '-')
		e.buf = appendDigits(e.buf, e.r.IntN(100), 2)
		e.buf = append(e.buf, '-')
		e.buf = appendDigits(e.buf, e.r.IntN(100), 2)
	}
}

func appendDigits(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

func (e *expander) greet() {
	if e.first == "" {
		e.buf = append(e.buf, [...]string{"Здравствуйте!", "Добрый день!", "Здравствуйте."}[e.r.IntN(3)]...)
		return
	}
	switch e.r.IntN(4) {
	case 0:
		e.buf = append(e.buf, "Здравствуйте, "...)
		e.buf = append(e.buf, e.first...)
		e.buf = append(e.buf, '!')
	case 1:
		e.buf = append(e.buf, e.first...)
		e.buf = append(e.buf, ", добрый день!"...)
	case 2:
		e.buf = append(e.buf, "Добрый день, "...)
		e.buf = append(e.buf, e.first...)
		e.buf = append(e.buf, '.')
	default:
		e.buf = append(e.buf, e.first...)
		e.buf = append(e.buf, ", здравствуйте."...)
	}
}

func (e *expander) date(t time.Time) {
	t = t.In(msk)
	e.buf = strconv.AppendInt(e.buf, int64(t.Day()), 10)
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, e.v.months[t.Month()-1]...)
}
