import { Form } from "@remix-run/react";

/** A consequential action behind a second click: the summary opens what will happen and the button. */
export function ConfirmAction(props: { summary: string; text: string; intent: string; userId: string; button: string; busy: boolean }) {
  return (
    <details className="confirm-action">
      <summary>{props.summary}</summary>
      <Form method="post">
        <p>{props.text}</p>
        <input type="hidden" name="intent" value={props.intent} />
        <input type="hidden" name="userId" value={props.userId} />
        <button type="submit" className="button button--small button--danger" disabled={props.busy}>
          {props.button}
        </button>
      </Form>
    </details>
  );
}
