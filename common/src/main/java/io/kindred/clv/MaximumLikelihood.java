package io.kindred.clv;

import breeze.linalg.DenseVector;
import breeze.math.MutableFiniteCoordinateField;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.FirstOrderMinimizer$;
import breeze.optimize.LBFGS;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import scala.Tuple2;

/**
 * Maximises a {@link LogLikelihood} in log-parameter space with breeze's L-BFGS (the optimiser MLlib uses, on every
 * Spark classpath), then computes standard errors from a numerical Hessian of the analytic gradient.
 *
 * <p>The optimiser minimises the mean negative log-likelihood per customer, so its tolerances do not depend on the
 * number of customers. It stops on the first of: {@code maxIterations}; the gradient norm below
 * {@code max(tolerance, 1e-8)}; no improvement above {@code tolerance} over the last 20 iterations; a line search
 * that fails twice (which is how it ends when floating point cannot improve the objective any more). The maximum
 * number of iterations, a non-finite likelihood, a Hessian that is not negative definite, or a Newton step to the
 * optimum of the local quadratic longer than {@value #MAX_NEWTON_STEP} standard errors in any parameter all fail
 * with a {@link ClvFitException} carrying breeze's reason: the fit is never returned unconverged.
 */
final class MaximumLikelihood {

  /** Relative step, in log-parameter space, of the central differences that build the Hessian. */
  private static final double HESSIAN_STEP = 1e-4;

  /** Largest Newton step to the optimum, in standard errors of each log-parameter, of an accepted fit. */
  static final double MAX_NEWTON_STEP = 1e-3;

  /** {@code |ln theta|} beyond which an accepted fit is {@link FitStatus#BOUNDARY}: theta above 1e8 or below 1e-8. */
  static final double BOUNDARY_LOG = Math.log(1e8);

  private MaximumLikelihood() {
  }

  /**
   * What the optimiser found, in log-parameter space, and the verdict on it.
   *
   * @param gradientNorm the norm of the gradient of the mean negative log-likelihood per customer where it stopped
   * @param newtonStep   the Newton step from there to the optimum of the local quadratic, in standard errors of the
   *                     log-parameter it is largest in: the criterion that accepted the fit
   */
  record Optimum(double[] logParams, double logLikelihood, double[] standardErrors, int iterations,
                 String convergence, FitStatus status, double gradientNorm, double newtonStep, Duration fitTime) {
  }

  /** {@link FitStatus#BOUNDARY} when some log-parameter is beyond {@link #BOUNDARY_LOG}, else {@code converged}. */
  static FitStatus status(double[] logParams) {
    for (double v : logParams) {
      if (Math.abs(v) > BOUNDARY_LOG) {
        return FitStatus.BOUNDARY;
      }
    }
    return FitStatus.CONVERGED;
  }

  static Optimum maximise(String model, LogLikelihood likelihood, double[] initialLogParams, FitOptions options) {
    long started = System.nanoTime();
    int k = initialLogParams.length;
    double n = likelihood.customers();
    MutableFiniteCoordinateField<DenseVector<Object>, Object, Object> space = DenseVector.space_Double();
    FirstOrderMinimizer.ConvergenceCheck<DenseVector<Object>> check = FirstOrderMinimizer$.MODULE$
        .defaultConvergenceCheck(options.maxIterations(), options.tolerance(), false, 20, space);
    LBFGS<DenseVector<Object>> lbfgs = new LBFGS<>(check, options.memory(), space);

    DiffFunction<DenseVector<Object>> objective = diffFunction(point -> meanNegative(likelihood, k, n, point));

    double initial = likelihood.value(initialLogParams, null);
    if (!Double.isFinite(initial)) {
      throw new ClvFitException(model + ": the log-likelihood is not finite at the starting point "
          + Arrays.toString(exp(initialLogParams)) + " (got " + initial + ")");
    }
    FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state =
        lbfgs.minimizeAndReturnState(objective, new DenseVector<>(initialLogParams.clone()));
    double[] theta = toArray(state.x());
    String reason = state.convergenceReason().isDefined() ? state.convergenceReason().get().reason() : "none";
    double gradientNorm = norm(toArray(state.grad()));
    boolean stopped = reason.equals(FirstOrderMinimizer.GradientConverged$.MODULE$.reason())
        || reason.equals(FirstOrderMinimizer.FunctionValuesConverged$.MODULE$.reason())
        || reason.equals(FirstOrderMinimizer.SearchFailed$.MODULE$.reason());
    String where = String.format("breeze stopped with '%s' after %d iterations at parameters %s, mean log-likelihood"
        + " %s, gradient norm %.3g", reason, state.iter(), Arrays.toString(exp(theta)), -state.value(), gradientNorm);
    if (!stopped || !Double.isFinite(state.value())) {
      throw new ClvFitException(model + ": the L-BFGS fit did not converge: " + where, null,
          -state.value() * n);
    }
    double[] gradient = new double[k];
    double logLikelihood = likelihood.value(theta, gradient);
    RealMatrix covariance;
    try {
      covariance = covariance(model, likelihood, theta);
    } catch (ClvFitException e) {
      throw new ClvFitException(e.getMessage(), e.getCause(), logLikelihood);
    }
    // The Newton step from here to the optimum of the local quadratic, in standard errors of each log-parameter.
    double newtonStep = 0;
    double[] step = covariance.operate(gradient);
    double[] standardErrors = new double[k];
    for (int i = 0; i < k; i++) {
      double seLog = Math.sqrt(covariance.getEntry(i, i));
      newtonStep = Math.max(newtonStep, Math.abs(step[i]) / seLog);
      standardErrors[i] = Math.exp(theta[i]) * seLog;
    }
    if (!(newtonStep <= MAX_NEWTON_STEP)) {
      throw new ClvFitException(String.format("%s: the L-BFGS fit did not converge: %s; the optimum is still %.3g"
          + " standard errors away (expected <= %s)", model, where, newtonStep, MAX_NEWTON_STEP), null,
          logLikelihood);
    }
    return new Optimum(theta, logLikelihood, standardErrors, state.iter(),
        String.format("%s (gradient norm %.2g, %.1e standard errors from the optimum)", reason, gradientNorm,
            newtonStep),
        status(theta), gradientNorm, newtonStep, Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * The covariance of the log-parameters: the inverse of the observed information, the negative Hessian of the total
   * log-likelihood in log-parameters (central differences of the analytic gradient). The delta method then gives
   * {@code se(theta_i) = theta_i * se(log theta_i)}.
   */
  static RealMatrix covariance(String model, LogLikelihood likelihood, double[] theta) {
    int k = theta.length;
    double[][] information = new double[k][k];
    for (int j = 0; j < k; j++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[j] += HESSIAN_STEP;
      minus[j] -= HESSIAN_STEP;
      double[] gPlus = new double[k];
      double[] gMinus = new double[k];
      likelihood.value(plus, gPlus);
      likelihood.value(minus, gMinus);
      for (int i = 0; i < k; i++) {
        information[i][j] = -(gPlus[i] - gMinus[i]) / (2 * HESSIAN_STEP);
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        double mean = (information[i][j] + information[j][i]) / 2;
        information[i][j] = mean;
        information[j][i] = mean;
      }
    }
    try {
      return new CholeskyDecomposition(new Array2DRowRealMatrix(information, false)).getSolver().getInverse();
    } catch (NonPositiveDefiniteMatrixException e) {
      throw new ClvFitException(model + ": the Hessian of the log-likelihood where L-BFGS stopped, "
          + Arrays.toString(exp(theta)) + ", is not negative definite, so these data do not identify the parameters"
          + " (observed information in log-parameters " + Arrays.deepToString(information) + ")", e);
    }
  }

  /** The mean negative log-likelihood per customer and its analytic gradient, in breeze's vector type. */
  private static Tuple2<Object, DenseVector<Object>> meanNegative(LogLikelihood likelihood, int k, double n,
                                                                 DenseVector<Object> point) {
    double[] gradient = new double[k];
    double ll = likelihood.value(toArray(point), gradient);
    double[] negMeanGradient = new double[k];
    boolean finite = Double.isFinite(ll);
    for (int i = 0; i < k; i++) {
      negMeanGradient[i] = -gradient[i] / n;
      finite &= Double.isFinite(gradient[i]);
    }
    if (!finite) {
      // Outside the region where the likelihood is representable: a wall the line search backs away from.
      return new Tuple2<>(Double.POSITIVE_INFINITY, new DenseVector<>(new double[k]));
    }
    return new Tuple2<>(-ll / n, new DenseVector<>(negMeanGradient));
  }

  /** What breeze calls: a value and gradient for a point. */
  @FunctionalInterface
  interface Calculation {
    Tuple2<Object, DenseVector<Object>> calculate(DenseVector<Object> point);
  }

  /**
   * A breeze {@code DiffFunction} whose {@code calculate} is {@code calculation}.
   *
   * <p>javac cannot compile a class implementing the Scala trait {@code DiffFunction}: the trait declares
   * {@code double apply(T)} while its parent {@code scala.Function1} declares {@code Object apply(T)}, a pair only
   * scalac reconciles (with a bridge in each implementing class). So the instance is made the way javac makes a
   * lambda, with {@link LambdaMetafactory}, implementing the trait's one abstract method that matters,
   * {@code calculate}; all other trait methods are the trait's own defaults ({@code valueAt}, {@code gradientAt},
   * {@code cached}, ...). L-BFGS and its line search only call {@code calculate} (through those defaults); the erased
   * {@code Function1.apply(Object)} stays unimplemented and would fail loudly (AbstractMethodError), never silently,
   * if some breeze path called it.
   */
  @SuppressWarnings("unchecked")
  static DiffFunction<DenseVector<Object>> diffFunction(Calculation calculation) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle target = lookup.findVirtual(Calculation.class, "calculate",
          MethodType.methodType(Tuple2.class, DenseVector.class));
      CallSite site = LambdaMetafactory.metafactory(lookup, "calculate",
          MethodType.methodType(DiffFunction.class, Calculation.class),
          MethodType.methodType(Tuple2.class, Object.class), target,
          MethodType.methodType(Tuple2.class, DenseVector.class));
      return (DiffFunction<DenseVector<Object>>) site.getTarget().invoke(calculation);
    } catch (Throwable e) {
      throw new IllegalStateException("could not adapt the log-likelihood to breeze's DiffFunction", e);
    }
  }

  private static double[] toArray(DenseVector<Object> v) {
    double[] out = new double[v.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Double) v.apply(i);
    }
    return out;
  }

  static double[] exp(double[] logParams) {
    double[] out = new double[logParams.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.exp(logParams[i]);
    }
    return out;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
