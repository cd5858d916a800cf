/* Batched float32 GEMM for WebAssembly SIMD: C[i] = A[i] @ B[i] for each batch i.
 *
 * Freestanding (no libc): the host copies the operands into this module's memory past
 * __heap_base and calls gemm(). Operands are addressed by strides (in floats), so a
 * transposed operand costs nothing extra: only the packing routines read it.
 *
 * BLIS-style blocking: a KC x NC block of B is packed into NR-wide panels (kept in L2/L3),
 * an MC x KC block of A into MR-tall panels (kept in L2), and a register-blocked MR x NR
 * micro-kernel streams one panel of each from L1. WebAssembly SIMD has no fused
 * multiply-add, so each step is a mul and an add per accumulator.
 */
#include <wasm_simd128.h>

/* Tile sizes, measured in Node 20 (V8 11.3) on a 2-core Xeon: 4x8 beat 6x8 and 8x8 (V8 on
 * x64 has 16 vector registers: 8 accumulators + 2 B rows + 1 A splat fit, 12 + 3 get tight).
 * The -D overrides are for tuning runs only. */
#ifndef MR
#define MR 4
#endif
#define NR 8
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 64
#endif
#ifndef NC
#define NC 2048
#endif

static float pack_a[MC * KC] __attribute__((aligned(16)));
static float pack_b[KC * NC] __attribute__((aligned(16)));

/* dst[i * dst_stride + j] = src[j * stride + i] for i, j < 4: a 4x4 block transposed. */
static inline void transpose4(const float *src, int stride, float *dst, int dst_stride) {
    v128_t r0 = wasm_v128_load(src), r1 = wasm_v128_load(src + stride);
    v128_t r2 = wasm_v128_load(src + 2 * stride), r3 = wasm_v128_load(src + 3 * stride);
    v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
    v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
    wasm_v128_store(dst, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
    wasm_v128_store(dst + dst_stride, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
    wasm_v128_store(dst + 2 * dst_stride, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
    wasm_v128_store(dst + 3 * dst_stride, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
}

/* The A block [mc, kc] as MR-tall panels: panel p holds A[p*MR + r][k] at k*MR + r,
 * with the rows past mc zero. Rows of an untransposed A go in by 4x4 transposes. */
static void pack_a_block(int mc, int kc, const float *a, int rs, int cs) {
    float *dst = pack_a;
    for (int i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
        int rows = mc - i0 < MR ? mc - i0 : MR, k = 0;
        const float *src = a + i0 * rs;
        if (rows == MR && cs == 1)
            for (; k + 4 <= kc; k += 4)
                for (int r = 0; r < MR; r += 4)
                    transpose4(src + r * rs + k, rs, dst + k * MR + r, MR);
        for (; k < kc; k++)
            for (int r = 0; r < MR; r++)
                dst[k * MR + r] = r < rows ? src[r * rs + k * cs] : 0.0f;
    }
}

/* The B block [kc, nc] as NR-wide panels: panel p holds B[k][p*NR + j] at k*NR + j,
 * with the columns past nc zero. A transposed B (columns contiguous) goes in by 4x4
 * transposes. */
static void pack_b_block(int kc, int nc, const float *b, int rs, int cs) {
    float *dst = pack_b;
    for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
        int cols = nc - j0 < NR ? nc - j0 : NR, k = 0;
        const float *src = b + j0 * cs;
        if (cols == NR && cs == 1) {
            for (; k < kc; k++) {
                wasm_v128_store(dst + k * NR, wasm_v128_load(src + k * rs));
                wasm_v128_store(dst + k * NR + 4, wasm_v128_load(src + k * rs + 4));
            }
        } else if (cols == NR && rs == 1) {
            for (; k + 4 <= kc; k += 4)
                for (int j = 0; j < NR; j += 4)
                    transpose4(src + j * cs + k, cs, dst + k * NR + j, NR);
        }
        for (; k < kc; k++)
            for (int j = 0; j < NR; j++)
                dst[k * NR + j] = j < cols ? src[k * rs + j * cs] : 0.0f;
    }
}

/* acc (MR x NR, row-major) = panel a . panel b over kc steps. */
static inline void micro_kernel(int kc, const float *a, const float *b, v128_t acc[MR][2]) {
    v128_t c[MR][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++)
        c[r][0] = c[r][1] = wasm_f32x4_splat(0.0f);
    for (int k = 0; k < kc; k++, a += MR, b += NR) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            v128_t ar = wasm_v128_load32_splat(a + r);
            c[r][0] = wasm_f32x4_add(c[r][0], wasm_f32x4_mul(ar, b0));
            c[r][1] = wasm_f32x4_add(c[r][1], wasm_f32x4_mul(ar, b1));
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        acc[r][0] = c[r][0];
        acc[r][1] = c[r][1];
    }
}

/* C tile [rows, cols] (+)= panel a . panel b; the first K block overwrites, later ones add. */
static void tile(int kc, const float *a, const float *b, float *c, int ldc,
                 int rows, int cols, int add) {
    v128_t acc[MR][2];
    micro_kernel(kc, a, b, acc);
    if (rows == MR && cols == NR) {
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            float *row = c + r * ldc;
            if (add) {
                acc[r][0] = wasm_f32x4_add(acc[r][0], wasm_v128_load(row));
                acc[r][1] = wasm_f32x4_add(acc[r][1], wasm_v128_load(row + 4));
            }
            wasm_v128_store(row, acc[r][0]);
            wasm_v128_store(row + 4, acc[r][1]);
        }
        return;
    }
    float t[MR * NR] __attribute__((aligned(16)));
    for (int r = 0; r < MR; r++) {
        wasm_v128_store(t + r * NR, acc[r][0]);
        wasm_v128_store(t + r * NR + 4, acc[r][1]);
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            c[r * ldc + j] = add ? c[r * ldc + j] + t[r * NR + j] : t[r * NR + j];
}

static void gemm_one(int m, int n, int k, const float *a, int rsa, int csa,
                     const float *b, int rsb, int csb, float *c) {
    if (k == 0) {
        for (int i = 0; i < m * n; i++) c[i] = 0.0f;
        return;
    }
    for (int jc = 0; jc < n; jc += NC) {
        int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = k - pc < KC ? k - pc : KC;
            pack_b_block(kc, nc, b + pc * rsb + jc * csb, rsb, csb);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = m - ic < MC ? m - ic : MC;
                pack_a_block(mc, kc, a + ic * rsa + pc * csa, rsa, csa);
                for (int jr = 0; jr < nc; jr += NR) {
                    int cols = nc - jr < NR ? nc - jr : NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int rows = mc - ir < MR ? mc - ir : MR;
                        tile(kc, pack_a + ir * kc, pack_b + jr * kc,
                             c + (ic + ir) * n + jc + jr, n, rows, cols, pc > 0);
                    }
                }
            }
        }
    }
}

extern unsigned char __heap_base;

/* The first free byte of memory: the host lays out A, B and C from here. */
__attribute__((export_name("heap_base")))
int heap_base(void) { return (int)&__heap_base; }

/* C[i] = A[i] @ B[i] for i < batch; C is [batch, m, n] row-major. A[i][r][k] is at
 * a + i*sa + r*rsa + k*csa, B[i][k][j] at b + i*sb + k*rsb + j*csb (strides in floats;
 * a batch stride of 0 broadcasts). Pointers are byte offsets into this module's memory. */
__attribute__((export_name("gemm")))
void gemm(const float *a, const float *b, float *c, int batch, int m, int n, int k,
          int sa, int rsa, int csa, int sb, int rsb, int csb) {
    for (int i = 0; i < batch; i++)
        gemm_one(m, n, k, a + i * sa, rsa, csa, b + i * sb, rsb, csb, c + i * m * n);
}
