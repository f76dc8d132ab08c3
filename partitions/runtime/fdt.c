// SPDX-License-Identifier: MIT
/*
 * A flattened device tree walk for guests (DTSpec 5.4): every property of
 * every node, with the node's full path. The blob is the partition's own
 * (the core generated it), but it is still checked as it is read: a bad
 * magic, a token that is not one of the five, or an offset past the
 * blob's own total size ends the walk.
 */
#include <bulkhead/lib.h>

#include "rt.h"

#define FDT_MAGIC 0xd00dfeedU
#define PATH_MAX_LEN 128

static size_t bounded_len(const uint8_t *s, const uint8_t *end)
{
	size_t n = 0;

	while (s + n < end && s[n])
		n++;
	return n;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

uint64_t rt_fdt_cells(const void *val, uint32_t len, uint32_t i)
{
	const uint8_t *b = val;

	if (len >= 8 * (i + 1))
		return (uint64_t)be32(b + 8 * i) << 32 | be32(b + 8 * i + 4);
	if (len >= 4 * (i + 1) && len < 8)
		return be32(b + 4 * i);
	return 0;
}

uint32_t rt_fdt_u32(const void *val, uint32_t len, uint32_t i)
{
	return len >= 4 * (i + 1) ? be32((const uint8_t *)val + 4 * i) : 0;
}

void rt_fdt_walk(const void *blob, rt_fdt_fn fn, void *ctx)
{
	const uint8_t *fdt = blob, *s, *end, *strings;
	char path[PATH_MAX_LEN] = "";
	size_t plen = 0, keep[16];
	int depth = 0;

	if (!fdt || be32(fdt) != FDT_MAGIC)
		return;
	end = fdt + be32(fdt + 4);
	s = fdt + be32(fdt + 8);
	strings = fdt + be32(fdt + 12);
	while (s + 4 <= end) {
		uint32_t tok = be32(s);

		s += 4;
		if (tok == 1) { /* FDT_BEGIN_NODE */
			size_t n = bounded_len(s, end);

			if (depth < 16)
				keep[depth] = plen;
			if (depth > 0 && plen + n + 1 < PATH_MAX_LEN) {
				path[plen++] = '/';
				memcpy(path + plen, s, n);
				plen += n;
				path[plen] = 0;
			}
			depth++;
			s += (n + 4) & ~3UL;
		} else if (tok == 2) { /* FDT_END_NODE */
			if (--depth < 0)
				return;
			plen = depth < 16 ? keep[depth] : plen;
			path[plen] = 0;
		} else if (tok == 3) { /* FDT_PROP */
			uint32_t len, name;

			if (s + 8 > end)
				return;
			len = be32(s);
			name = be32(s + 4);
			if (len > (size_t)(end - s - 8))
				return;
			fn(ctx, plen ? path : "/", (const char *)strings + name,
			   s + 8, len);
			s += 8 + ((len + 3) & ~3U);
		} else if (tok != 4) { /* not FDT_NOP: FDT_END or garbage */
			return;
		}
	}
}
