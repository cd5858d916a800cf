// C = A B, ROWS x 4 outputs per fragment: rows ROWS*i .. ROWS*i+ROWS-1 of C at columns 4j .. 4j+3,
// row r of the block into render target r. A and B are matrix-layout textures (matrix.glsl): A
// [M rows, K/4 texels wide], B [K rows, N/4 wide]; each step of k reads ROWS texels of A and 4
// of B with plain 2-D fetches for 16 * ROWS multiply-adds. The unblock kernel then puts the
// targets' rows back in order.
$OUTPUTS
uniform int u_K4;       // texels per row of A
uniform int u_blocks;   // fragments per batch along M (padded M / ROWS)
uniform int u_a_batch;  // rows of A's texture per batch (0 when A is broadcast)
uniform int u_b_batch;  // rows of B's texture per batch (0 when B is broadcast)
uniform int u_b_side;   // texels of B's texture per batch along x, when its batches lie side by side (else 0)
uniform int u_a_wrap;   // rows of A per texture row (1, or a multiple of ROWS: see matrix.glsl)
uniform int u_a_step[2];  // from one row of A's block to the next, in texels: (0, 1), or (K/4, 0) wrapped

void main() {
  int j = int(gl_FragCoord.x), q = int(gl_FragCoord.y);
  int batch = q / u_blocks;
  int arow = batch * u_a_batch + ROWS * (q - batch * u_blocks);
  int ay = arow / u_a_wrap, ax = (arow - ay * u_a_wrap) * u_K4;
  ivec2 astep = ivec2(u_a_step[0], u_a_step[1]);
$ROWSTART
  int brow = batch * u_b_batch, bx = j + batch * u_b_side;
$INIT
  for (int k = 0; k < u_K4; ++k, brow += 4) {
    vec4 b0 = texelFetch(B, ivec2(bx, brow), 0), b1 = texelFetch(B, ivec2(bx, brow + 1), 0);
    vec4 b2 = texelFetch(B, ivec2(bx, brow + 2), 0), b3 = texelFetch(B, ivec2(bx, brow + 3), 0);
    vec4 a;
$STEP
  }
$STORE
}
