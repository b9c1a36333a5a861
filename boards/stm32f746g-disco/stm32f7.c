/*
 * STM32F746G-DISCO board support: clock tree, flash, UART. Register addresses and bit fields
 * are from RM0385 (STM32F75xxx/74xxx reference manual); the wiring from UM1907 (the board's user
 * manual); no ST header or HAL code is used.
 *
 * Clock: the board's 25 MHz HSE crystal (X2) feeds the main PLL: /M 25 = 1 MHz, x N 432 =
 * 432 MHz VCO, /P 2 = 216 MHz SYSCLK (/Q 9 = 48 MHz for USB). AHB /1 = 216 MHz, APB1 /4 =
 * 54 MHz, APB2 /2 = 108 MHz. 216 MHz needs voltage scale 1 with over-drive (RM0385,
 * "Entering Over-drive mode": PLL on, ODEN, wait ODRDY, ODSWEN, wait ODSWRDY, then latency and
 * the switch) and 7 flash wait states at 2.7-3.6 V (RM0385 wait-state table). ART accelerator and prefetch are
 * enabled too; they serve fetches through the ITCM interface (0x00200000), while this firmware
 * runs from the AXIM alias 0x08000000, which the Cortex-M7 L1 caches serve (cortex_m7.c).
 * If the HSE or the PLL does not start, the core stays on the 16 MHz HSI and the log says so
 * through clock_hz.
 *
 * UART: USART1, TX PA9 / RX PB7 (alternate function 7), wired to the ST-LINK/V2-1 virtual COM
 * port (UM1907, "Virtual COM port"). Kernel clock PCLK2 (DCKCFGR2.USART1SEL = 00, reset
 * value); 16x oversampling, BRR = f / 115200 rounded.
 */
#include "../common/mote_board.h"

const char mote_board_name[] = "stm32f746g-disco";

#define RCC_BASE 0x40023800u
#define RCC_CR MOTE_REG(RCC_BASE + 0x00u)
#define RCC_PLLCFGR MOTE_REG(RCC_BASE + 0x04u)
#define RCC_CFGR MOTE_REG(RCC_BASE + 0x08u)
#define RCC_AHB1ENR MOTE_REG(RCC_BASE + 0x30u)
#define RCC_APB1ENR MOTE_REG(RCC_BASE + 0x40u)
#define RCC_APB2ENR MOTE_REG(RCC_BASE + 0x44u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)

#define PWR_CR1 MOTE_REG(0x40007000u)
#define PWR_CSR1 MOTE_REG(0x40007004u)
#define PWR_CR1_VOS_SCALE1 (3u << 14)
#define PWR_CR1_ODEN (1u << 16)
#define PWR_CR1_ODSWEN (1u << 17)
#define PWR_CSR1_ODRDY (1u << 16)
#define PWR_CSR1_ODSWRDY (1u << 17)

#define FLASH_ACR MOTE_REG(0x40023C00u)
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ARTEN (1u << 9)

#define GPIOA_BASE 0x40020000u
#define GPIOB_BASE 0x40020400u
#define GPIO_MODER(base) MOTE_REG((base) + 0x00u)
#define GPIO_OSPEEDR(base) MOTE_REG((base) + 0x08u)
#define GPIO_PUPDR(base) MOTE_REG((base) + 0x0Cu)
#define GPIO_AFRL(base) MOTE_REG((base) + 0x20u)
#define GPIO_AFRH(base) MOTE_REG((base) + 0x24u)

#define USART1_BASE 0x40011000u
#define USART_CR1 MOTE_REG(USART1_BASE + 0x00u)
#define USART_BRR MOTE_REG(USART1_BASE + 0x0Cu)
#define USART_ISR MOTE_REG(USART1_BASE + 0x1Cu)
#define USART_TDR MOTE_REG(USART1_BASE + 0x28u)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)

#define HSI_HZ 16000000u
#define WAIT_LIMIT 1000000u

static uint32_t apb2_hz = HSI_HZ;

/* Waits until (reg & mask) == want; 0 on timeout. */
static int wait_bits(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
  for (uint32_t i = 0; i < WAIT_LIMIT; i++) {
    if ((*reg & mask) == want) return 1;
  }
  return 0;
}

uint32_t mote_board_clock_init(void)
{
  RCC_APB1ENR |= 1u << 28; /* PWREN */
  (void)RCC_APB1ENR;
  PWR_CR1 = (PWR_CR1 & ~(3u << 14)) | PWR_CR1_VOS_SCALE1; /* only while the PLL is off */

  RCC_CR |= RCC_CR_HSEON;
  if (!wait_bits(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) {
    RCC_CR &= ~RCC_CR_HSEON;
    return HSI_HZ;
  }
  /* PLLM [5:0] = 25, PLLN [14:6] = 432, PLLP [17:16] = 0 (/2), PLLSRC [22] = HSE, PLLQ [27:24] = 9 */
  RCC_PLLCFGR = 25u | (432u << 6) | (0u << 16) | (1u << 22) | (9u << 24);
  RCC_CR |= RCC_CR_PLLON;

  PWR_CR1 |= PWR_CR1_ODEN;
  if (!wait_bits(&PWR_CSR1, PWR_CSR1_ODRDY, PWR_CSR1_ODRDY)) return HSI_HZ;
  PWR_CR1 |= PWR_CR1_ODSWEN;
  if (!wait_bits(&PWR_CSR1, PWR_CSR1_ODSWRDY, PWR_CSR1_ODSWRDY)) return HSI_HZ;

  FLASH_ACR = 7u | FLASH_ACR_PRFTEN | FLASH_ACR_ARTEN; /* LATENCY = 7 wait states */
  if ((FLASH_ACR & 0xFu) != 7u) return HSI_HZ;
  /* HPRE [7:4] = /1, PPRE1 [12:10] = 101 (/4), PPRE2 [15:13] = 100 (/2) */
  RCC_CFGR = (RCC_CFGR & ~((0xFu << 4) | (7u << 10) | (7u << 13))) | (5u << 10) | (4u << 13);
  apb2_hz = HSI_HZ / 2u; /* until the switch to the PLL */
  if (!wait_bits(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) return HSI_HZ;
  RCC_CFGR = (RCC_CFGR & ~3u) | 2u; /* SW = PLL */
  if (!wait_bits(&RCC_CFGR, 3u << 2, 2u << 2)) return HSI_HZ;
  apb2_hz = 108000000u;
  return 216000000u;
}

void mote_board_uart_init(uint32_t core_hz)
{
  (void)core_hz; /* APB2 is 108 MHz at 216 MHz; HSI (16 MHz) before the switch */
  RCC_AHB1ENR |= (1u << 0) | (1u << 1); /* GPIOA, GPIOB */
  RCC_APB2ENR |= 1u << 4;               /* USART1 */
  (void)RCC_APB2ENR;
  /* PA9: alternate function 7 (AFRH bits [7:4]), high speed */
  GPIO_MODER(GPIOA_BASE) = (GPIO_MODER(GPIOA_BASE) & ~(3u << 18)) | (2u << 18);
  GPIO_OSPEEDR(GPIOA_BASE) |= 2u << 18;
  GPIO_AFRH(GPIOA_BASE) = (GPIO_AFRH(GPIOA_BASE) & ~(0xFu << 4)) | (7u << 4);
  /* PB7: alternate function 7 (AFRL bits [31:28]), pull-up */
  GPIO_MODER(GPIOB_BASE) = (GPIO_MODER(GPIOB_BASE) & ~(3u << 14)) | (2u << 14);
  GPIO_PUPDR(GPIOB_BASE) = (GPIO_PUPDR(GPIOB_BASE) & ~(3u << 14)) | (1u << 14);
  GPIO_AFRL(GPIOB_BASE) = (GPIO_AFRL(GPIOB_BASE) & ~(0xFu << 28)) | (7u << 28);

  USART_CR1 = 0u;
  USART_BRR = (apb2_hz + 115200u / 2u) / 115200u;
  USART_CR1 = (1u << 3) | (1u << 2) | 1u; /* TE, RE, UE: 8 data bits, no parity, 1 stop bit */
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
