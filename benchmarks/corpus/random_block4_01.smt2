; random_block(4,) at n=2, undecided after a 30 s compile: not decided: budget exhausted
; x0 = x[0,0], x1 = x[0,1], x2 = x[1,0], x3 = x[1,1]
(set-logic QF_NRA)
(declare-fun x0 () Real)
(declare-fun x1 () Real)
(declare-fun x2 () Real)
(declare-fun x3 () Real)
(assert (> (+ (* x0 x0) (* (- 2) x1 x1) (* x0 x1)) 0))
(assert (< (+ (* x0 x2) (* (- 2) x0 x3) (* 3 x1 x2) (* (- 2) x1 x3)) 0))
(assert (< (+ (* x0 x2) (* (- 2) x1 x2) (* 3 x0 x3) (* (- 2) x1 x3)) 0))
(assert (< (+ (* x2 x2) (* (- 2) x3 x3) (* x2 x3)) 0))
(check-sat)
(get-value (x0 x1 x2 x3))
(exit)
