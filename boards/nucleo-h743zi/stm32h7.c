/*
 * NUCLEO-H743ZI board support: power, clock tree, flash, UART. Register addresses and bit fields
 * are from RM0433 (STM32H742/743/750/753 reference manual); the wiring from UM1974 (STM32
 * Nucleo-144 user manual); no ST header or HAL code is used.
 *
 * Silicon revision: 480 MHz needs revision V (DBGMCU_IDCODE.REV_ID = 0x2003) in voltage scale
 * VOS0 (RM0433: VOS0 exists on revision V only; the STM32H743 datasheet: rev Y runs at
 * most 400 MHz in VOS1). Early NUCLEO-H743ZI boards carry revision Y (REV_ID 0x1003), so the
 * REV_ID is read first: rev V (or any later one) gets VOS0 and 480 MHz; rev Y, or a REV_ID
 * that reads 0, gets VOS1 and 400 MHz. The log's clock_hz says which.
 *
 * Order (RM0433, "Power supply configuration" and "Voltage scaling"): PWR_CR3 is
 * written once after power-on, LDO on and SCUEN cleared (this chip has no SMPS), then wait for
 * ACTVOSRDY; VOS1 in PWR_D3CR, wait VOSRDY; for VOS0 additionally SYSCFG_PWRCR.ODEN, wait VOSRDY.
 * Then flash: 4 wait states and WRHIGHFREQ = 2 (RM0433 flash wait-state table: AXI clock 225-240 MHz in VOS0, also
 * enough for 200 MHz in VOS1), read back before the clock rises.
 *
 * Clock: HSE in bypass mode from the ST-LINK's 8 MHz MCO (UM1974, "HSE clock": the default solder
 * bridges). PLL1: /M 1 = 8 MHz reference (PLL1RGE = 8-16 MHz), wide VCO, x N 120 = 960 MHz (rev
 * Y: x 100 = 800 MHz), /P 2 = 480 (400) MHz sys_ck = CPU clock (D1CPRE /1). HPRE /2 = 240 (200)
 * MHz AXI/AHB, every APB /2 = 120 (100) MHz. If the HSE or the PLL does not start, the core
 * stays on the 64 MHz HSI.
 *
 * UART: USART3, TX PD8 / RX PD9 (alternate function 7), the ST-LINK virtual COM port of the
 * Nucleo-144 boards (UM1974, "USART communication"). Kernel clock rcc_pclk1 (D2CCIP2R.USART234578SEL = 000, reset
 * value); 16x oversampling, FIFO off, BRR = f / 115200 rounded.
 */
#include "../common/mote_board.h"

const char mote_board_name[] = "nucleo-h743zi";

#define DBGMCU_IDCODE MOTE_REG(0x5C001000u)

#define RCC_BASE 0x58024400u
#define RCC_CR MOTE_REG(RCC_BASE + 0x00u)
#define RCC_CFGR MOTE_REG(RCC_BASE + 0x10u)
#define RCC_D1CFGR MOTE_REG(RCC_BASE + 0x18u)
#define RCC_D2CFGR MOTE_REG(RCC_BASE + 0x1Cu)
#define RCC_D3CFGR MOTE_REG(RCC_BASE + 0x20u)
#define RCC_PLLCKSELR MOTE_REG(RCC_BASE + 0x28u)
#define RCC_PLLCFGR MOTE_REG(RCC_BASE + 0x2Cu)
#define RCC_PLL1DIVR MOTE_REG(RCC_BASE + 0x30u)
#define RCC_AHB4ENR MOTE_REG(RCC_BASE + 0xE0u)
#define RCC_APB1LENR MOTE_REG(RCC_BASE + 0xE8u)
#define RCC_APB4ENR MOTE_REG(RCC_BASE + 0xF4u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLL1ON (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)

#define PWR_BASE 0x58024800u
#define PWR_CSR1 MOTE_REG(PWR_BASE + 0x04u)
#define PWR_CR3 MOTE_REG(PWR_BASE + 0x0Cu)
#define PWR_D3CR MOTE_REG(PWR_BASE + 0x18u)
#define PWR_CSR1_ACTVOSRDY (1u << 13)
#define PWR_CR3_BYPASS (1u << 0)
#define PWR_CR3_LDOEN (1u << 1)
#define PWR_CR3_SCUEN (1u << 2)
#define PWR_D3CR_VOSRDY (1u << 13)
#define PWR_D3CR_VOS1 (3u << 14)

#define SYSCFG_PWRCR MOTE_REG(0x58000400u + 0x2Cu)

#define FLASH_ACR MOTE_REG(0x52002000u)

#define GPIOD_BASE 0x58020C00u
#define GPIO_MODER(base) MOTE_REG((base) + 0x00u)
#define GPIO_OSPEEDR(base) MOTE_REG((base) + 0x08u)
#define GPIO_PUPDR(base) MOTE_REG((base) + 0x0Cu)
#define GPIO_AFRH(base) MOTE_REG((base) + 0x24u)

#define USART3_BASE 0x40004800u
#define USART_CR1 MOTE_REG(USART3_BASE + 0x00u)
#define USART_BRR MOTE_REG(USART3_BASE + 0x0Cu)
#define USART_ISR MOTE_REG(USART3_BASE + 0x1Cu)
#define USART_TDR MOTE_REG(USART3_BASE + 0x28u)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)

#define HSI_HZ 64000000u
#define WAIT_LIMIT 1000000u

static uint32_t apb1_hz = HSI_HZ;

static int wait_bits(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
  for (uint32_t i = 0; i < WAIT_LIMIT; i++) {
    if ((*reg & mask) == want) return 1;
  }
  return 0;
}

uint32_t mote_board_clock_init(void)
{
  uint32_t rev = DBGMCU_IDCODE >> 16;
  int rev_v = rev >= 0x2003u;

  /* Supply: LDO, no bypass; clearing SCUEN locks the configuration until the next power-on. */
  PWR_CR3 = (PWR_CR3 & ~(PWR_CR3_BYPASS | PWR_CR3_LDOEN | PWR_CR3_SCUEN)) | PWR_CR3_LDOEN;
  if (!wait_bits(&PWR_CSR1, PWR_CSR1_ACTVOSRDY, PWR_CSR1_ACTVOSRDY)) return HSI_HZ;
  PWR_D3CR = (PWR_D3CR & ~(3u << 14)) | PWR_D3CR_VOS1;
  if (!wait_bits(&PWR_D3CR, PWR_D3CR_VOSRDY, PWR_D3CR_VOSRDY)) return HSI_HZ;
  if (rev_v) {
    RCC_APB4ENR |= 1u << 1; /* SYSCFGEN */
    (void)RCC_APB4ENR;
    SYSCFG_PWRCR |= 1u; /* ODEN: VOS0 */
    if (!wait_bits(&PWR_D3CR, PWR_D3CR_VOSRDY, PWR_D3CR_VOSRDY)) return HSI_HZ;
  }

  RCC_CR |= RCC_CR_HSEBYP;
  RCC_CR |= RCC_CR_HSEON;
  if (!wait_bits(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) {
    RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_HSEBYP);
    return HSI_HZ;
  }
  /* PLLSRC [1:0] = HSE, DIVM1 [9:4] = 1 */
  RCC_PLLCKSELR = (RCC_PLLCKSELR & ~(3u | (0x3Fu << 4))) | 2u | (1u << 4);
  /* PLL1: no fraction, wide VCO (VCOSEL 0), input range 8-16 MHz (RGE 3), DIVP1 output only */
  RCC_PLLCFGR = (RCC_PLLCFGR & ~(0xFu | (7u << 16))) | (3u << 2) | (1u << 16);
  uint32_t n = rev_v ? 120u : 100u;
  /* DIVN1 [8:0] = N - 1, DIVP1 [15:9] = 2 - 1, DIVQ1 and DIVR1 = 2 - 1 (unused) */
  RCC_PLL1DIVR = (n - 1u) | (1u << 9) | (1u << 16) | (1u << 24);
  RCC_CR |= RCC_CR_PLL1ON;

  FLASH_ACR = (FLASH_ACR & ~(0xFu | (3u << 4))) | 4u | (2u << 4); /* LATENCY 4, WRHIGHFREQ 2 */
  if ((FLASH_ACR & 0x3Fu) != (4u | (2u << 4))) return HSI_HZ;
  /* D1CPRE [11:8] = /1, HPRE [3:0] = 1000 (/2), D1PPRE [6:4] = 100 (/2) */
  RCC_D1CFGR = (8u << 0) | (4u << 4) | (0u << 8);
  RCC_D2CFGR = (4u << 4) | (4u << 8); /* D2PPRE1, D2PPRE2 = /2 */
  RCC_D3CFGR = 4u << 4;               /* D3PPRE = /2 */
  apb1_hz = HSI_HZ / 4u;              /* until the switch to the PLL */
  if (!wait_bits(&RCC_CR, RCC_CR_PLL1RDY, RCC_CR_PLL1RDY)) return HSI_HZ;
  RCC_CFGR = (RCC_CFGR & ~7u) | 3u; /* SW = PLL1 */
  if (!wait_bits(&RCC_CFGR, 7u << 3, 3u << 3)) return HSI_HZ;
  uint32_t core_hz = rev_v ? 480000000u : 400000000u;
  apb1_hz = core_hz / 4u;
  return core_hz;
}

void mote_board_uart_init(uint32_t core_hz)
{
  (void)core_hz;
  RCC_AHB4ENR |= 1u << 3;   /* GPIOD */
  RCC_APB1LENR |= 1u << 18; /* USART3 */
  (void)RCC_APB1LENR;
  /* PD8, PD9: alternate function 7 (AFRH bits [3:0] and [7:4]) */
  GPIO_MODER(GPIOD_BASE) = (GPIO_MODER(GPIOD_BASE) & ~(0xFu << 16)) | (0xAu << 16);
  GPIO_OSPEEDR(GPIOD_BASE) |= 0xAu << 16;
  GPIO_PUPDR(GPIOD_BASE) = (GPIO_PUPDR(GPIOD_BASE) & ~(3u << 18)) | (1u << 18);
  GPIO_AFRH(GPIOD_BASE) = (GPIO_AFRH(GPIOD_BASE) & ~0xFFu) | 0x77u;

  USART_CR1 = 0u;
  USART_BRR = (apb1_hz + 115200u / 2u) / 115200u;
  USART_CR1 = (1u << 3) | (1u << 2) | 1u; /* TE, RE, UE: 8N1, FIFO off */
}

void mote_board_uart_putc(char c)
{
  while ((USART_ISR & USART_ISR_TXE) == 0u) {
  }
  USART_TDR = (uint8_t)c;
}

void mote_board_uart_flush(void)
{
  while ((USART_ISR & USART_ISR_TC) == 0u) {
  }
}
