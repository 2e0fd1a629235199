// A first Code Mode script. Run it with:  npm start   (or: node dist/cli.js run examples/hello.ts)
//
// Scripts are TypeScript or JavaScript with top-level await and return. What they log and what
// they return is all that leaves the sandbox; everything in between stays here.

interface Reading {
  city: string;
  celsius: number[];
}

const readings: Reading[] = [
  { city: 'Lisbon', celsius: [14, 16, 19, 21, 18] },
  { city: 'Oslo', celsius: [-3, -1, 2, 4, 1] },
  { city: 'Nairobi', celsius: [17, 19, 24, 26, 22] },
];

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

console.log(`Summarising ${readings.length} cities`);
const summary = readings
  .map(({ city, celsius }) => ({ city, mean: Number(mean(celsius).toFixed(1)), spread: Math.max(...celsius) - Math.min(...celsius) }))
  .sort((a, b) => b.mean - a.mean);

// Only this small object reaches whoever ran the script: not the raw readings.
return { warmest: summary[0]!.city, summary };
