// fromPixels: an image's RGBA8 texture P (w x h texels: the image as texImage2D uploaded it,
// each channel read as byte / 255) into the flat layout of int32 [h, w, u_channels]: element i
// is channel i % u_channels of pixel i / u_channels, pixels in row-major order from the top.
uniform int u_width;
uniform int u_channels;
uniform int u_size;

vec4 pixel(int p) {
  int y = p / u_width;  // integer division: once per element, on an image-sized output
  return round(texelFetch(P, ivec2(p - y * u_width, y), 0) * 255.0);
}

float element(int i) {
  int p = i / u_channels;
  return i < u_size ? pixel(p)[i - p * u_channels] : 0.0;
}

void main() {
  int t = texel_index();
  if (u_channels == 4) {  // a texel is a pixel
    result = 4 * t < u_size ? pixel(t) : vec4(0.0);
    return;
  }
  int i = 4 * t;
  result = vec4(element(i), element(i + 1), element(i + 2), element(i + 3));
}
