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
 *
 * depthwise() at the end, a depthwise convolution, shares the module and its host code.
 * Both end with the epilogue of tfjs's fused ops (bias, relu or relu6) while their output is
 * still here: NumPy would make a pass over it per op, each slower than the copy out.
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

/* What tfjs's fused ops do after the product, on out [rows, n] in place: + bias[j] (bias 0:
 * none), then act 1, relu (x < 0 ? 0 : x), or 2, relu6 (that, then 6 < x ? 6 : x). The same
 * float32 values, NaN bits and -0.0 included, as NumPy's add, np.where and np.minimum. pmax
 * and pmin are those selects exactly; as C ternaries clang makes them f32.max, whose NaN is
 * the engine's. A row's last n % 4 values go through the same vector ops, from a copy. */
static inline v128_t finish(v128_t v, const float *bias, int act) {
    if (bias)
        v = wasm_f32x4_add(v, wasm_v128_load(bias));
    if (act)
        v = wasm_f32x4_pmax(v, wasm_f32x4_splat(0.0f));
    if (act == 2)
        v = wasm_f32x4_pmin(v, wasm_f32x4_splat(6.0f));
    return v;
}

static void epilogue(float *out, int rows, int n, const float *bias, int act) {
    if (!bias && !act)
        return;
    int tail = n % 4, body = n - tail;
    float t[4] __attribute__((aligned(16))) = {0}, tb[4] __attribute__((aligned(16))) = {0};
    for (int j = 0; bias && j < tail; j++)
        tb[j] = bias[body + j];
    for (int i = 0; i < rows; i++, out += n) {
        for (int j = 0; j < body; j += 4)
            wasm_v128_store(out + j, finish(wasm_v128_load(out + j), bias ? bias + j : 0, act));
        if (tail) {
            for (int j = 0; j < tail; j++)
                t[j] = out[body + j];
            wasm_v128_store(t, finish(wasm_v128_load(t), bias ? tb : 0, act));
            for (int j = 0; j < tail; j++)
                out[body + j] = t[j];
        }
    }
}

/* C[i] = A[i] @ B[i] for i < batch; C is [batch, m, n] row-major. A[i][r][k] is at
 * a + i*sa + r*rsa + k*csa, B[i][k][j] at b + i*sb + k*rsb + j*csb (strides in floats;
 * a batch stride of 0 broadcasts). Pointers are byte offsets into this module's memory.
 * Then the epilogue: bias [n] (or 0) and act as epilogue() takes them. */
__attribute__((export_name("gemm")))
void gemm(const float *a, const float *b, const float *bias, float *c, int batch, int m, int n,
          int k, int sa, int rsa, int csa, int sb, int rsb, int csb, int act) {
    for (int i = 0; i < batch; i++)
        gemm_one(m, n, k, a + i * sa, rsa, csa, b + i * sb, rsb, csb, c + i * m * n);
    epilogue(c, batch * m, n, bias, act);
}

/* Depthwise 2-D convolution, NHWC: out[b][oy][ox][ch*m + q] is the sum over the taps (ky, kx)
 * of x[b][iy][ix][ch] * f[ky][kx][ch][q], where iy = oy*sh - ph + ky*dh (ix likewise). Taps
 * outside x are skipped, so padding is never materialized. Channels are innermost in x, f and
 * out alike: with m == 1 one v128 load holds 4 channels of each, so the kernel vectorizes over
 * channels, any other m goes one output at a time. */

/* Output pixels computed together where all their taps lie inside x: each filter vector is
 * then loaded once for PX pixels instead of once per pixel. In Node 20, 2 and 4 ran about
 * twice as fast as 1, 8 slower again (16 accumulators spill); -D PX is for tuning runs. */
#ifndef PX
#define PX 4
#endif

typedef struct { const float *x, *f; int w, c, m, fw, sw, dh, dw; } conv;

/* The taps k < n of one axis whose input i0 + k*d lies in [0, size): [*lo, *hi). */
static void taps(int i0, int d, int n, int size, int *lo, int *hi) {
    *lo = i0 >= 0 ? 0 : (-i0 + d - 1) / d;
    *hi = i0 >= size ? 0 : (size - 1 - i0) / d + 1;
    if (*hi > n) *hi = n;
}

/* P pixels of one output row, channels [j, j + 4V), m == 1. `at`: the index in x of the first
 * pixel's tap (0, 0), channel 0 (outside x where that tap is, so only taps in range read it). */
static inline __attribute__((always_inline))
void strip(const conv *g, float *out, int P, int V, int j, int at,
           int ky0, int ky1, int kx0, int kx1) {
    v128_t acc[PX][4], fv[4];
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) acc[p][v] = wasm_f32x4_splat(0.0f);
    for (int ky = ky0; ky < ky1; ky++)
        for (int kx = kx0; kx < kx1; kx++) {
            const float *f = g->f + (ky * g->fw + kx) * g->c + j;
            const float *x = g->x + at + (ky * g->dh * g->w + kx * g->dw) * g->c + j;
#pragma clang loop unroll(full)
            for (int v = 0; v < V; v++) fv[v] = wasm_v128_load(f + 4 * v);
#pragma clang loop unroll(full)
            for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
                for (int v = 0; v < V; v++)
                    acc[p][v] = wasm_f32x4_add(acc[p][v], wasm_f32x4_mul(
                        wasm_v128_load(x + p * g->sw * g->c + 4 * v), fv[v]));
        }
#pragma clang loop unroll(full)
    for (int p = 0; p < P; p++)
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) wasm_v128_store(out + p * g->c + j + 4 * v, acc[p][v]);
}

/* One pixel's outputs from j on, any m, one at a time: the channel tail and m > 1. */
static void pixel_scalar(const conv *g, float *out, int j, int at,
                         int ky0, int ky1, int kx0, int kx1) {
    int cm = g->c * g->m;
    for (; j < cm; j++) {
        float s = 0.0f;
        for (int ky = ky0; ky < ky1; ky++)
            for (int kx = kx0; kx < kx1; kx++)
                s += g->x[at + (ky * g->dh * g->w + kx * g->dw) * g->c + j / g->m] *
                     g->f[(ky * g->fw + kx) * cm + j];
        out[j] = s;
    }
}

/* P pixels of one output row, all their outputs, from the taps [ky0, ky1) x [kx0, kx1). */
static inline __attribute__((always_inline))
void pixels(const conv *g, float *out, int P, int at, int ky0, int ky1, int kx0, int kx1) {
    int j = 0;
    if (g->m == 1) {  /* 8 channels at a time: PX x 2 accumulators, as many as gemm's */
        for (; j + 8 <= g->c; j += 8) strip(g, out, P, 2, j, at, ky0, ky1, kx0, kx1);
        for (; j + 4 <= g->c; j += 4) strip(g, out, P, 1, j, at, ky0, ky1, kx0, kx1);
    }
    for (int p = 0; p < P; p++)
        pixel_scalar(g, out + p * g->c * g->m, j, at + p * g->sw * g->c, ky0, ky1, kx0, kx1);
}

/* out [n, oh, ow, c*m] = x [n, h, w, c] convolved with f [fh, fw, c, m] per channel, with
 * strides (sh, sw), dilations (dh, dw) and ph, pw >= 0 rows and columns of zeros before;
 * then the epilogue (bias [c*m] or 0, act). */
__attribute__((export_name("depthwise")))
void depthwise(const float *x, const float *f, const float *bias, float *out, int n, int h, int w,
               int c, int m, int fh, int fw, int oh, int ow, int sh, int sw, int dh, int dw, int ph,
               int pw, int act) {
    conv g = {x, f, w, c, m, fw, sw, dh, dw};
    int cm = c * m, span = w - 1 + pw - (fw - 1) * dw;
    /* the columns [ox0, ox1) whose taps all lie inside x */
    int ox0 = (pw + sw - 1) / sw, ox1 = span < 0 ? 0 : span / sw + 1;
    for (int b = 0; b < n; b++, g.x += h * w * c)
        for (int oy = 0; oy < oh; oy++) {
            int iy0 = oy * sh - ph, ky0, ky1;
            float *row = out + (b * oh + oy) * ow * cm;
            taps(iy0, dh, fh, h, &ky0, &ky1);
            for (int ox = 0; ox < ow;) {
                int ix0 = ox * sw - pw, at = (iy0 * w + ix0) * c, kx0, kx1;
                if (ox >= ox0 && ox + PX <= ox1) {
                    pixels(&g, row + ox * cm, PX, at, ky0, ky1, 0, fw);
                    ox += PX;
                } else {
                    taps(ix0, dw, fw, w, &kx0, &kx1);
                    pixels(&g, row + ox * cm, 1, at, ky0, ky1, kx0, kx1);
                    ox++;
                }
            }
        }
    epilogue(out, n * oh * ow, cm, bias, act);
}
