import fc from 'fast-check';
import { assessFit, RUBRIC_QUESTION_IDS, RUBRIC_QUESTIONS, rubricScoresSchema, type FitInput, type RubricScores } from '../../src/domain/rubric';

const allFours: RubricScores = { relevance: 4, kpiImpact: 4, learningCurve: 4, interest: 4, riskSupport: 4 };

function fit(scores: Partial<RubricScores>, rest: Partial<Omit<FitInput, 'scores'>> = {}) {
  return assessFit({ scores: { ...allFours, ...scores }, hoursPerWeek: 2.5, weeks: 3, supportNamed: false, ...rest });
}

const warningIds = (result: ReturnType<typeof assessFit>) => result.warnings.map((warning) => warning.id);

describe('the rubric questions', () => {
  it('asks five questions in a fixed order, each with what a 1 and a 5 mean', () => {
    expect(RUBRIC_QUESTIONS.map((question) => question.id)).toEqual(['relevance', 'kpiImpact', 'learningCurve', 'interest', 'riskSupport']);
    for (const question of RUBRIC_QUESTIONS) {
      expect(question.question).toMatch(/\?$/);
      expect(question.low.length).toBeGreaterThan(5);
      expect(question.high.length).toBeGreaterThan(5);
    }
  });

  it('puts the favourable meaning at 5', () => {
    const high = Object.fromEntries(RUBRIC_QUESTIONS.map((question) => [question.id, question.high]));
    expect(high).toEqual({
      relevance: 'A problem I hit every day.',
      kpiImpact: 'A big move on my KPI.',
      learningCurve: 'Realistic to learn in the time I have.',
      interest: 'I really want to explore this.',
      riskSupport: 'Low risk, and support is in place.',
    });
  });
});

describe('rubricScoresSchema', () => {
  it.each([0, 6, 2.5, Number.NaN])('refuses a score of %p and names the question', (score) => {
    const parsed = rubricScoresSchema.safeParse({ ...allFours, interest: score });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.error.issues[0]?.path).toEqual(['interest']);
      expect(parsed.error.issues[0]?.message).toBe('Score "Interest" with a whole number from 1 to 5.');
    }
  });

  it('accepts whole numbers from 1 to 5', () => {
    expect(rubricScoresSchema.safeParse({ relevance: 1, kpiImpact: 2, learningCurve: 3, interest: 4, riskSupport: 5 }).success).toBe(true);
  });
});

describe('assessFit warnings', () => {
  it.each<[string, Partial<RubricScores>, Partial<Omit<FitInput, 'scores'>>, string[]]>([
    ['relevance 2 → low relevance', { relevance: 2 }, {}, ['lowRelevance']],
    ['relevance 3 → nothing', { relevance: 3 }, {}, []],
    ['KPI impact 2 → hard to show a result', { kpiImpact: 2 }, {}, ['hardToShowResult']],
    ['KPI impact 3 → nothing', { kpiImpact: 3 }, {}, []],
    ['interest 2 → low interest', { interest: 2 }, {}, ['lowInterest']],
    ['interest 3 → nothing', { interest: 3 }, {}, []],
    ['learning curve 2 at 2 h/week → steep for the hours', { learningCurve: 2 }, { hoursPerWeek: 2 }, ['steepForHours']],
    ['learning curve 2 at 1 h/week → steep for the hours', { learningCurve: 2 }, { hoursPerWeek: 1 }, ['steepForHours']],
    ['learning curve 3 at 2 h/week → nothing', { learningCurve: 3 }, { hoursPerWeek: 2 }, []],
    ['learning curve 2 at 2.5 h/week → nothing (time to learn)', { learningCurve: 2 }, { hoursPerWeek: 2.5 }, []],
    ['learning curve 1 at 2.5 h/week → steep even with the time', { learningCurve: 1 }, { hoursPerWeek: 2.5 }, ['steepEvenWithTime']],
    ['learning curve 1 at 2 h/week → steep for the hours only', { learningCurve: 1 }, { hoursPerWeek: 2 }, ['steepForHours']],
    ['risk 2 with nobody named → risk without support', { riskSupport: 2 }, { supportNamed: false }, ['riskWithoutSupport']],
    ['risk 2 with support named → nothing', { riskSupport: 2 }, { supportNamed: true }, []],
    ['risk 3 with nobody named → nothing', { riskSupport: 3 }, { supportNamed: false }, []],
  ])('%s', (_name, scores, rest, expected) => {
    expect(warningIds(fit(scores, rest))).toEqual(expected);
  });

  it('mentions the hours a week and in total when the curve is steep', () => {
    const [warning] = fit({ learningCurve: 2 }, { hoursPerWeek: 2, weeks: 3 }).warnings;
    expect(warning?.question).toBe('learningCurve');
    expect(warning?.message).toBe('The learning curve looks steep for 2 hours a week (6 hours over 3 weeks): start with one small task, or ask your manager for more protected time.');
    expect(fit({ learningCurve: 1 }, { hoursPerWeek: 1, weeks: 2 }).warnings[0]?.message).toContain('1 hour a week (2 hours over 2 weeks)');
    expect(fit({ learningCurve: 1 }, { hoursPerWeek: 1.5, weeks: 4 }).warnings[0]?.message).toContain('1.5 hours a week (6 hours over 4 weeks)');
  });

  it('says a KPI result may be hard to show, about the idea not the person', () => {
    const [warning] = fit({ kpiImpact: 1 }).warnings;
    expect(warning?.message).toMatch(/^It may be hard to show a result/);
  });

  it('names the question each warning is about', () => {
    const result = fit({ relevance: 1, kpiImpact: 1, learningCurve: 1, interest: 1, riskSupport: 1 }, { hoursPerWeek: 1 });
    expect(result.warnings.map((warning) => [warning.id, warning.question])).toEqual([
      ['lowRelevance', 'relevance'],
      ['hardToShowResult', 'kpiImpact'],
      ['steepForHours', 'learningCurve'],
      ['lowInterest', 'interest'],
      ['riskWithoutSupport', 'riskSupport'],
    ]);
  });
});

describe('assessFit bands', () => {
  it.each<[string, number, string, RubricScores, Partial<Omit<FitInput, 'scores'>>]>([
    ['all fours', 20, 'strong', allFours, {}],
    ['all fives', 25, 'strong', { relevance: 5, kpiImpact: 5, learningCurve: 5, interest: 5, riskSupport: 5 }, {}],
    ['high risk but support named', 22, 'strong', { relevance: 5, kpiImpact: 5, learningCurve: 5, interest: 5, riskSupport: 2 }, { supportNamed: true }],
    ['19 with no notes', 19, 'promising', { relevance: 4, kpiImpact: 4, learningCurve: 4, interest: 4, riskSupport: 3 }, {}],
    ['all threes', 15, 'promising', { relevance: 3, kpiImpact: 3, learningCurve: 3, interest: 3, riskSupport: 3 }, {}],
    ['high total with one note', 22, 'promising', { relevance: 5, kpiImpact: 5, learningCurve: 2, interest: 5, riskSupport: 5 }, { hoursPerWeek: 2 }],
    ['13 is still promising', 13, 'promising', { relevance: 3, kpiImpact: 3, learningCurve: 3, interest: 2, riskSupport: 2 }, { supportNamed: true }],
    ['12 is reconsider', 12, 'reconsider', { relevance: 2, kpiImpact: 2, learningCurve: 2, interest: 3, riskSupport: 3 }, {}],
    ['three notes even at 16', 16, 'reconsider', { relevance: 2, kpiImpact: 2, learningCurve: 5, interest: 2, riskSupport: 5 }, {}],
    ['all ones', 5, 'reconsider', { relevance: 1, kpiImpact: 1, learningCurve: 1, interest: 1, riskSupport: 1 }, {}],
  ])('%s → %i, %s', (_name, total, band, scores, rest) => {
    const result = assessFit({ scores, hoursPerWeek: 2.5, weeks: 3, supportNamed: false, ...rest });
    expect(result.total).toBe(total);
    expect(result.fit).toBe(band);
  });

  it('sums up in one readable sentence that speaks of the idea, never the person', () => {
    expect(fit({}).summary).toBe('A strong fit (20 of 25): this idea matches the time and support you have, with nothing that needs a second look.');
    expect(fit({ interest: 2 }).summary).toBe('A promising fit (18 of 25): read the note below before you send your plan.');
    expect(fit({ relevance: 2, kpiImpact: 2, interest: 2 }).summary).toBe(
      'Worth another look (14 of 25): the 3 notes below show where this idea may struggle, and a different friction point or tool may suit you better.');
    for (const summary of [fit({}).summary, fit({ interest: 1, relevance: 1 }).summary]) {
      expect(summary).not.toMatch(/\byou (are|were) (not|poor|weak|bad)|\bgrade|\bfail/i);
      expect(summary.split(/[.!?](\s|$)/).filter((part) => part.trim().length > 0)).toHaveLength(1);
    }
  });
});

describe('assessFit properties', () => {
  const score = fc.integer({ min: 1, max: 5 });
  const input = fc.record({
    scores: fc.record({ relevance: score, kpiImpact: score, learningCurve: score, interest: score, riskSupport: score }),
    hoursPerWeek: fc.integer({ min: 2, max: 10 }).map((halves) => halves / 2),
    weeks: fc.integer({ min: 2, max: 4 }),
    supportNamed: fc.boolean(),
  });

  it('keeps the total between 5 and 25, equal to the sum', () => {
    fc.assert(fc.property(input, (fitInput) => {
      const { total } = assessFit(fitInput);
      expect(total).toBeGreaterThanOrEqual(5);
      expect(total).toBeLessThanOrEqual(25);
      expect(total).toBe(RUBRIC_QUESTION_IDS.reduce((sum, id) => sum + fitInput.scores[id], 0));
    }));
  });

  it('warns only about questions scored 2 or less, at most once per question', () => {
    fc.assert(fc.property(input, (fitInput) => {
      const { warnings } = assessFit(fitInput);
      for (const warning of warnings) expect(fitInput.scores[warning.question]).toBeLessThanOrEqual(2);
      expect(new Set(warnings.map((warning) => warning.question)).size).toBe(warnings.length);
    }));
  });

  it('calls an idea strong only when nothing is flagged', () => {
    fc.assert(fc.property(input, (fitInput) => {
      const result = assessFit(fitInput);
      if (result.fit === 'strong') expect(result.warnings).toEqual([]);
    }));
  });
});
