const numbers: number[] = [1, 2, 3, 4];
console.log(`adding ${numbers.length} numbers`);
return { total: numbers.reduce((sum, n) => sum + n, 0) };
