package dev.taskq.submission;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** What a visitor submits. The constraints are the single definition of valid input for the form and the API. */
public class Submission {

    @NotBlank(message = "Please enter your name.")
    @Size(max = 100, message = "Your name can have at most 100 characters.")
    private String name;

    @NotBlank(message = "Please enter your e-mail address.")
    @Size(max = 254, message = "An e-mail address can have at most 254 characters.")
    // The built-in check accepts "user@host"; a public address also needs a dot in its domain.
    @Email(regexp = ".+@[^@]+\\.[^@]+", message = "Please enter a valid e-mail address, like name@example.com.")
    private String email;

    @NotBlank(message = "Please enter a message.")
    @Size(max = 5000, message = "Your message can have at most 5,000 characters.")
    private String message;

    public Submission() {
    }

    public Submission(String name, String email, String message) {
        this.name = name;
        this.email = email;
        this.message = message;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
