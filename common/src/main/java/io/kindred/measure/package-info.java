/**
 * Measurement of marketing campaigns against a holdout: {@link io.kindred.measure.Lift} compares a treatment group
 * with a control group, for a conversion rate ({@link io.kindred.measure.Lift#proportions}) or a mean per customer
 * such as revenue ({@link io.kindred.measure.Lift#means}), and gives the absolute and relative lift with confidence
 * intervals and a two-sided p-value. Pure Java on the driver, from counts and sums a job has already aggregated; each
 * method, and the published source it follows, is named in the method's Javadoc.
 */
package io.kindred.measure;
