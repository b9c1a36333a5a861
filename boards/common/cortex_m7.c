/*
 * Cortex-M7 core setup shared by the real boards: the L1 instruction and data caches and the
 * DWT cycle counter. The cache sequences follow the Cortex-M7 TRM and PM0253 §4.8 ("Cache
 * maintenance operations"): invalidate the whole I-cache (ICIALLU) then set CCR.IC; select
 * the L1 data cache in CSSELR, read its geometry from CCSIDR, invalidate every set and way
 * (DCISW) and only then set CCR.DC, with DSB/ISB around each step. The D-cache is invalidated
 * before it is enabled because its contents are unpredictable after reset.
 */
#include "mote_board.h"

void mote_enable_caches(void)
{
  if ((MOTE_SCB_CCR & MOTE_CCR_IC) == 0u) {
    mote_dsb_isb();
    MOTE_SCB_ICIALLU = 0u;
    mote_dsb_isb();
    MOTE_SCB_CCR |= MOTE_CCR_IC;
    mote_dsb_isb();
  }
  if ((MOTE_SCB_CCR & MOTE_CCR_DC) == 0u) {
    MOTE_SCB_CSSELR = 0u; /* level 1, data cache */
    mote_dsb_isb();
    uint32_t ccsidr = MOTE_SCB_CCSIDR;
    uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
    uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
    uint32_t line_shift = (ccsidr & 0x7u) + 4u;               /* log2(line bytes) */
    uint32_t way_shift = (uint32_t)__builtin_clz(ways - 1u); /* ways in the top bits */
    for (uint32_t set = 0; set < sets; set++) {
      for (uint32_t way = 0; way < ways; way++) {
        MOTE_SCB_DCISW = (set << line_shift) | (ways > 1u ? way << way_shift : 0u);
      }
    }
    mote_dsb_isb();
    MOTE_SCB_CCR |= MOTE_CCR_DC;
    mote_dsb_isb();
  }
}

void mote_cycles_start(void)
{
  MOTE_DEMCR |= 1u << 24; /* TRCENA */
  MOTE_DWT_LAR = 0xC5ACCE55u;
  MOTE_DWT_CYCCNT = 0u;
  MOTE_DWT_CTRL |= 1u; /* CYCCNTENA */
}
