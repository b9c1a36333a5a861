/*
 * Image fuzz harness (host board support beside main.c and serve.c: it holds no kernel code). Built
 * with a generated interpreter library whose model image was made writable
 * (test/support/image-fuzz.ts) and with -fsanitize=address,undefined -fno-sanitize-recover.
 *
 * Reads a batch file: i32 count, i32 words, i32 bytes[count], then count images of `words`
 * little-endian i32 words (an image whose bytes are fewer was cut short: the rest of the image
 * array is 0xFF, erased flash). For each image it copies it over the library's image, calls
 * mote_init() and, when that returns 0, fills the inputs with a fixed pattern and calls
 * mote_invoke(). It prints one line per image, "<index> <status> <hash>", hash being FNV-1a
 * over every output's bytes (0 when the image was rejected), and flushes it, so that when a
 * sanitizer aborts the process the runner knows which image did it. It also checks that
 * mote_status() is MOTE_STATUS_NOT_INITIALISED before the first mote_init() and then equals
 * what mote_init() returned (exit status 3 otherwise).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

extern int32_t mote_model_image[];

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static int read_i32(FILE *f, int32_t *out) {
  return fread(out, sizeof *out, 1, f) == 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s BATCH FIRST\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) {
    fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 2;
  }
  long first = strtol(argv[2], NULL, 10);
  int32_t count = 0;
  int32_t words = 0;
  if (!read_i32(f, &count) || !read_i32(f, &words) || count < 0 || words <= 0) {
    fprintf(stderr, "error: bad batch header\n");
    return 2;
  }
  int32_t *lengths = calloc((size_t)count + 1u, sizeof *lengths);
  int32_t *image = calloc((size_t)words, sizeof *image);
  if (lengths == NULL || image == NULL) return 2;
  for (int32_t i = 0; i < count; i++) {
    if (!read_i32(f, &lengths[i])) return 2;
  }
  if (mote_status() != MOTE_STATUS_NOT_INITIALISED) {
    fprintf(stderr, "error: mote_status() before mote_init() is %d\n", mote_status());
    return 3;
  }
  for (int32_t i = 0; i < count; i++) {
    if (fread(image, sizeof *image, (size_t)words, f) != (size_t)words) {
      fprintf(stderr, "error: batch cut short at image %d\n", (int)i);
      return 2;
    }
    if (i < first) continue;
    size_t bytes = (size_t)lengths[i];
    if (bytes > (size_t)words * 4u) bytes = (size_t)words * 4u;
    memcpy(mote_model_image, image, bytes);
    memset((uint8_t *)mote_model_image + bytes, 0xFF, (size_t)words * 4u - bytes);
    int status = mote_init();
    if (mote_status() != status) {
      fprintf(stderr, "error: mote_status() is %d, mote_init() returned %d\n", mote_status(), status);
      return 3;
    }
    uint32_t hash = 0;
    if (status == 0) {
      for (int k = 0; k < MOTE_NUM_INPUTS; k++) {
        uint8_t *in = (uint8_t *)mote_input(k);
        size_t n = mote_input_bytes(k);
        for (size_t j = 0; j < n; j++) in[j] = (uint8_t)(j * 37u + 11u + (unsigned)k);
      }
      mote_reset();
      status = mote_invoke();
      hash = 2166136261u;
      for (int k = 0; k < MOTE_NUM_OUTPUTS; k++) {
        hash = fnv(hash, (const uint8_t *)mote_output(k), mote_output_bytes(k));
      }
    }
    printf("%d %d %u\n", (int)i, status, (unsigned)hash);
    fflush(stdout);
  }
  free(lengths);
  free(image);
  fclose(f);
  return 0;
}
