// The confetti animation: a canvas over the page for a few seconds, drawn with requestAnimationFrame.
// Skipped (the dialog still shows) when the person asked for reduced motion.

const COLOURS = ['#e4572e', '#f3a712', '#29335c', '#a8c686', '#669bbc'];
const DURATION_MS = 4000;

export function confetti(host: HTMLElement): void {
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  const canvas = document.createElement('canvas');
  canvas.className = 'confetti';
  canvas.setAttribute('aria-hidden', 'true');
  canvas.dataset['state'] = 'running';
  canvas.width = window.innerWidth;
  canvas.height = window.innerHeight;
  host.append(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const pieces = Array.from({ length: 140 }, () => ({
    x: random() * canvas.width,
    y: -random() * canvas.height,
    vy: 2 + random() * 3,
    vx: -1 + random() * 2,
    size: 5 + random() * 6,
    spin: random() * Math.PI,
    colour: COLOURS[Math.floor(random() * COLOURS.length)] ?? '#f3a712',
  }));
  const start = performance.now();
  const frame = (now: number): void => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const p of pieces) {
      p.x += p.vx;
      p.y += p.vy;
      p.spin += 0.1;
      ctx.fillStyle = p.colour;
      ctx.save();
      ctx.translate(p.x, p.y);
      ctx.rotate(p.spin);
      ctx.fillRect(-p.size / 2, -p.size / 4, p.size, p.size / 2);
      ctx.restore();
    }
    if (now - start < DURATION_MS) requestAnimationFrame(frame);
    else canvas.dataset['state'] = 'done';
  };
  requestAnimationFrame(frame);
}
