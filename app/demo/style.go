package demo

// Byte-level text touch-ups. They handle ASCII and the Russian alphabet
// directly in UTF-8 (two bytes per letter), which keeps a comment's
// finishing at a few hundred nanoseconds; other runes pass through intact.

// normalize collapses the spaces left by empty optional parts, removes
// spaces before punctuation and capitalises the start of every sentence.
func normalize(dst, src []byte) []byte {
	capNext := true
	space := false
	for i := 0; i < len(src); {
		c := src[i]
		if c == ' ' {
			space = len(dst) > 0
			i++
			continue
		}
		if space {
			switch c {
			case ',', '.', '!', '?', ':', ';', ')':
			default:
				dst = append(dst, ' ')
			}
			space = false
		}
		if capNext {
			switch {
			case c >= 'a' && c <= 'z':
				dst = append(dst, c-32)
				capNext = false
				i++
				continue
			case isCyr(src, i):
				u0, u1 := upperCyr(c, src[i+1])
				dst = append(dst, u0, u1)
				capNext = false
				i += 2
				continue
			case (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
				capNext = false
			}
		}
		// Copy the run up to the next space or sentence end in one go.
		j := i + 1
		if !capNext && c != '.' && c != '!' && c != '?' {
			for j < len(src) {
				b := src[j]
				if b == ' ' || b == '.' || b == '!' || b == '?' {
					break
				}
				j++
			}
		}
		dst = append(dst, src[i:j]...)
		if c == '.' || c == '!' || c == '?' {
			capNext = true
		}
		i = j
	}
	return dst
}

// upperCyr maps a two-byte lowercase Cyrillic letter to uppercase; any
// other pair is returned unchanged.
func upperCyr(b0, b1 byte) (byte, byte) {
	switch {
	case b0 == 0xD0 && b1 >= 0xB0 && b1 <= 0xBF: // а–п
		return 0xD0, b1 - 0x20
	case b0 == 0xD1 && b1 >= 0x80 && b1 <= 0x8F: // р–я
		return 0xD0, b1 + 0x20
	case b0 == 0xD1 && b1 == 0x91: // ё
		return 0xD0, 0x81
	}
	return b0, b1
}

func lowerCyr(b0, b1 byte) (byte, byte) {
	switch {
	case b0 == 0xD0 && b1 >= 0x90 && b1 <= 0x9F: // А–П
		return 0xD0, b1 + 0x20
	case b0 == 0xD0 && b1 >= 0xA0 && b1 <= 0xAF: // Р–Я
		return 0xD1, b1 - 0x20
	case b0 == 0xD0 && b1 == 0x81: // Ё
		return 0xD1, 0x91
	}
	return b0, b1
}

// mapCase lower- or upper-cases b in place; dropPunct also removes the
// full stops and commas people skip in chats.
func mapCase(b []byte, upper, dropPunct bool) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case dropPunct && (c == '.' || c == ','):
			continue
		case c == 0xD0 || c == 0xD1:
			if i+1 < len(b) {
				var u0, u1 byte
				if upper {
					u0, u1 = upperCyr(c, b[i+1])
				} else {
					u0, u1 = lowerCyr(c, b[i+1])
				}
				out = append(out, u0, u1)
				i++
				continue
			}
		case upper && c >= 'a' && c <= 'z':
			c -= 32
		case !upper && c >= 'A' && c <= 'Z':
			c += 32
		}
		out = append(out, c)
	}
	return out
}

func isCyr(b []byte, i int) bool {
	return i+1 < len(b) && (b[i] == 0xD0 || b[i] == 0xD1) && b[i+1] >= 0x80 && b[i+1] <= 0xBF
}

// typo swaps two neighbouring letters or drops one, starting the search at
// a random offset; a text without two adjacent Russian letters is kept.
func typo(b []byte, start int, drop bool) []byte {
	n := len(b)
	for k := 0; k < n; k++ {
		i := (start + k) % n
		// A lead byte 0xD0/0xD1 never occurs inside another rune, so i
		// starts a letter.
		if !isCyr(b, i) || !isCyr(b, i+2) {
			continue
		}
		if drop {
			return append(b[:i], b[i+2:]...)
		}
		b[i], b[i+1], b[i+2], b[i+3] = b[i+2], b[i+3], b[i], b[i+1]
		return b
	}
	return b
}
