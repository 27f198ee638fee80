/**
 * A worked TOPSIS example from the literature, for the test: B. Sennaroğlu, "Decision Analysis" lecture notes
 * (Marmara University, 2009 Fall), "The steps of TOPSIS method" — three alternatives rated on two benefit
 * attributes P and L with weights kP = 0.714 and kL = 0.286. The source gives the weighted normalised decision
 * matrix V to four decimals (below). The closeness coefficients are worked by hand from V: the first alternative
 * is the ideal, the third the anti-ideal, and the second's C = S− / (S+ + S−) = 0.0856 / (0.2408 + 0.0856).
 */
export const SENNAROGLU_TOPSIS = {
  matrix: [
    [17, 12],
    [10, 9],
    [8, 6],
  ],
  weights: [0.714, 0.286],
  higherIsBetter: [true, true],
  weighted: [
    [0.5703, 0.2124],
    [0.3355, 0.1593],
    [0.2684, 0.1062],
  ],
  closeness: [1, 0.2622, 0],
};
