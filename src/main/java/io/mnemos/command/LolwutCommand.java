package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.util.Libm;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandSpec.command;

/**
 * LOLWUT [VERSION v] [args...], ported from Redis 7.0's lolwut.c, lolwut5.c and lolwut6.c: the
 * computer art of each version (5: Georg Nees's Schotter in braille, 6: an 8-bit skyline in
 * terminal grays), and for this server's own version Redis 7.0's plain "Redis ver. 7.0.15". The
 * drawing keeps C's float arithmetic and the C library's sin/cos, so the rows Redis draws without
 * randomness come out byte for byte the same; rand() is Java's generator.
 */
public final class LolwutCommand implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(command("lolwut", -1).flags(READONLY, FAST).group("server").since("5.0.0")
                .handler(LolwutCommand::lolwut).build());
    }

    private static void lolwut(Client c) {
        String version = Server.REDIS_VERSION;
        int first = 1;
        if (c.argc() >= 3 && Args.is(c.arg(1), "version")) {
            long v = Args.parseLong(c.arg(2));
            version = Integer.toUnsignedString((int) v) + ".0.0"; // snprintf("%u.0.0", (unsigned int) ver)
            first = 3;
        }
        byte[][] args = java.util.Arrays.copyOfRange(c.argv(), first, c.argc());
        String art;
        if (version.startsWith("5.") && !version.startsWith("5.9") || version.startsWith("4.9")) {
            art = schotter(args);
        } else if (version.startsWith("6.") && !version.startsWith("6.9") || version.startsWith("5.9")) {
            art = skyline(args);
        } else {
            art = "Redis ver. " + Server.REDIS_VERSION + "\n";
        }
        c.reply().verbatim("txt", art);
    }

    /** lolwut5Command: LOLWUT [columns] [squares-per-row] [squares-per-col]. */
    private static String schotter(byte[][] args) {
        long cols = clamp(arg(args, 0, 66), 1, 1000);
        long perRow = clamp(arg(args, 1, 8), 1, 200);
        long perCol = clamp(arg(args, 2, 12), 1, 200);
        Random rand = ThreadLocalRandom.current();
        int canvasWidth = (int) cols * 2;
        int padding = canvasWidth > 4 ? 2 : 0;
        float squareSide = (float) (canvasWidth - padding * 2) / perRow;
        int canvasHeight = (int) (squareSide * perCol + padding * 2);
        Canvas canvas = new Canvas(canvasWidth, canvasHeight, 0);
        for (int y = 0; y < perCol; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * squareSide + squareSide / 2 + padding);
                int sy = (int) (y * squareSide + squareSide / 2 + padding);
                float angle = 0;
                if (y > 1) { // rotated and moved at random more and more down the rows
                    float r1 = crand(rand) / (float) RAND_MAX / perCol * y;
                    float r2 = crand(rand) / (float) RAND_MAX / perCol * y;
                    float r3 = crand(rand) / (float) RAND_MAX / perCol * y;
                    if (crand(rand) % 2 != 0) {
                        r1 = -r1;
                    }
                    if (crand(rand) % 2 != 0) {
                        r2 = -r2;
                    }
                    if (crand(rand) % 2 != 0) {
                        r3 = -r3;
                    }
                    angle = r1;
                    sx = (int) (sx + r2 * squareSide / 3);
                    sy = (int) (sy + r3 * squareSide / 3);
                }
                canvas.square(sx, sy, squareSide, angle, 1);
            }
        }
        return canvas.braille() + "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. "
                + Server.REDIS_VERSION + "\n";
    }

    /** lolwut6Command: LOLWUT [columns] [rows]. */
    private static String skyline(byte[][] args) {
        int cols = (int) clamp(arg(args, 0, 80), 1, 1000);
        int rows = (int) clamp(arg(args, 1, 20), 1, 1000);
        Random rand = ThreadLocalRandom.current();
        Canvas canvas = new Canvas(cols, rows, 3);
        // Background skyscrapers without windows, the lighter ones behind.
        for (int color = 2; color >= 1; color--) {
            for (int offset = -10; offset < cols; ) {
                offset += crand(rand) % 8;
                int width = 10 + crand(rand) % 9;
                int height = color == 2 ? rows / 2 + crand(rand) % rows / 2 : rows / 2 + crand(rand) % rows / 3;
                skyscraper(canvas, rand, offset, width, height, false, color);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        // The foreground with windows.
        for (int offset = -10; offset < cols; ) {
            offset += crand(rand) % 8;
            int width = 5 + crand(rand) % 14;
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = rows / 3 + crand(rand) % rows / 2;
            skyscraper(canvas, rand, offset, width, height, true, 0);
            offset += width + 5;
        }
        return canvas.grays() + "\nDedicated to the 8 bit game developers of past and present.\n"
                + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + Server.REDIS_VERSION + "\n";
    }

    /** generateSkyscraper: windows two pixels wide, one tall, in one of the two grays. */
    private static void skyscraper(Canvas canvas, Random rand, int xoff, int width, int height, boolean windows,
                                   int color) {
        int starty = canvas.height - 1;
        int endy = starty - height + 1;
        for (int y = starty; y >= endy; y--) {
            for (int x = xoff; x < xoff + width; x++) {
                if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) {
                    continue; // the roof is four pixels narrower
                }
                int pixel = color;
                if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
                    int relx = x - (xoff + 1);
                    int rely = y - (endy + 1);
                    if (relx / 2 % 2 != 0 && rely % 2 != 0) {
                        do {
                            pixel = 1 + crand(rand) % 2;
                        } while (pixel == color);
                        if (relx % 2 != 0) {
                            pixel = canvas.get(x - 1, y); // both pixels of a window alike
                        }
                    }
                }
                canvas.set(x, y, pixel);
            }
        }
    }

    private static final int RAND_MAX = Integer.MAX_VALUE;

    /** C's rand(): 0 to RAND_MAX. */
    private static int crand(Random rand) {
        return rand.nextInt() & RAND_MAX;
    }

    /** Argument {@code i} as a long if given (further ones are never read, as in Redis), else {@code dflt}. */
    private static long arg(byte[][] args, int i, long dflt) {
        return i < args.length ? Args.parseLong(args[i]) : dflt;
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    /** lwCanvas: pixels of colors 0-3, drawing outside it ignored. */
    private static final class Canvas {
        final int width;
        final int height;
        private final byte[] pixels;

        Canvas(int width, int height, int background) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            java.util.Arrays.fill(pixels, (byte) background);
        }

        void set(int x, int y, int color) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                pixels[x + y * width] = (byte) color;
            }
        }

        int get(int x, int y) {
            return x < 0 || x >= width || y < 0 || y >= height ? 0 : pixels[x + y * width];
        }

        /** lwDrawLine: Bresenham. */
        void line(int x1, int y1, int x2, int y2, int color) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int sx = x1 < x2 ? 1 : -1;
            int sy = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1, color);
                if (x1 == x2 && y1 == y2) {
                    break;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += sx;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += sy;
                }
            }
        }

        /** lwDrawSquare: corners on the circle around x,y, starting at 45 degrees plus the angle. */
        void square(int x, int y, float size, float angle, int color) {
            int[] px = new int[4];
            int[] py = new int[4];
            size = (float) (size / 1.4142135623);
            size = (float) cRound(size);
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = (int) cRound(Libm.sin(k) * size + x);
                py[j] = (int) cRound(Libm.cos(k) * size + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
            }
        }

        /** lolwut5's renderCanvas: a braille character per 2x4 pixels. */
        String braille() {
            StringBuilder text = new StringBuilder();
            for (int y = 0; y < height; y += 4) {
                for (int x = 0; x < width; x += 2) {
                    int bits = bit(x, y, 0) | bit(x, y + 1, 1) | bit(x, y + 2, 2) | bit(x + 1, y, 3)
                            | bit(x + 1, y + 1, 4) | bit(x + 1, y + 2, 5) | bit(x, y + 3, 6) | bit(x + 1, y + 3, 7);
                    text.append((char) (0x2800 + bits));
                }
                if (y != height - 1) {
                    text.append('\n');
                }
            }
            return text.toString();
        }

        private int bit(int x, int y, int shift) {
            return get(x, y) != 0 ? 1 << shift : 0;
        }

        /** lolwut6's renderCanvas: each pixel a space in one of the terminal's four grays. */
        String grays() {
            String[] escapes = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
            StringBuilder text = new StringBuilder();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    text.append("\033[").append(escapes[get(x, y)]).append(" \033[0m");
                }
                if (y != height - 1) {
                    text.append('\n');
                }
            }
            return text.toString();
        }
    }

    /** C's round(): halfway cases away from zero. */
    private static double cRound(double v) {
        return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
    }
}
