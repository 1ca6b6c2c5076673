-- Customers who moved into the RFM segment "at risk" in the last 7 nights, and what they were worth.
WITH nights AS (SELECT max(as_of) AS latest FROM customer_features_history),
week_ago AS (SELECT min(as_of) AS night FROM customer_features_history, nights
             WHERE as_of >= date_sub(latest, 7))
SELECT now.customer_id,
       before.rfm_segment        AS segment_before,
       now.monetary              AS spent_to_date_usd,
       round(now.clv, 0)         AS clv_usd,
       round(now.churn_probability * 100, 1) AS churn_pct
FROM customer_features now
JOIN customer_features_history before
  ON before.customer_id = now.customer_id AND before.as_of = (SELECT night FROM week_ago)
WHERE now.rfm_segment = 'at risk' AND before.rfm_segment <> 'at risk'
ORDER BY now.clv DESC
