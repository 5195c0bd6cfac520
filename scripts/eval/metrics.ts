export interface Outcome {
  expected: string;
  predicted: string;
}

export interface Report {
  accuracy: number;
  total: number;
  perIntent: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confused: { expected: string; predicted: string; count: number }[];
}

export function report(outcomes: Outcome[]): Report {
  const intents = [...new Set(outcomes.flatMap((o) => [o.expected, o.predicted]))].sort();
  const perIntent: Report['perIntent'] = {};
  for (const intent of intents) {
    const tp = outcomes.filter((o) => o.expected === intent && o.predicted === intent).length;
    const predicted = outcomes.filter((o) => o.predicted === intent).length;
    const support = outcomes.filter((o) => o.expected === intent).length;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (support || predicted) perIntent[intent] = { precision, recall, f1, support };
  }
  const pairs = new Map<string, number>();
  for (const o of outcomes) if (o.expected !== o.predicted) pairs.set(`${o.expected}\u0000${o.predicted}`, (pairs.get(`${o.expected}\u0000${o.predicted}`) ?? 0) + 1);
  const confused = [...pairs]
    .map(([key, count]) => {
      const [expected, predicted] = key.split('\u0000');
      return { expected, predicted, count };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  const correct = outcomes.filter((o) => o.expected === o.predicted).length;
  return { accuracy: outcomes.length ? correct / outcomes.length : 0, total: outcomes.length, perIntent, confused };
}
